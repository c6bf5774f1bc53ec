// Names shared by main.bicep (which builds the environment block) and the app and job modules (which hold the secrets).

@export()
@description('Name of the Container Apps secret holding Plant:Api:FunctionKeys.')
var functionKeysSecretName = 'plant-function-keys'

@export()
@description('Name of the Container Apps secret holding the registry password (only when a registry username is given).')
var registryPasswordSecretName = 'registry-password'

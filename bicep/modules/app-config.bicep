// The one place where the configuration every PlantFunctions app and job receives is shaped.
// main.bicep builds the settings object once; plantEnv turns it into the same environment block for each role.

@export()
@description('Name of the Container Apps secret holding Plant:Api:FunctionKeys.')
var functionKeysSecretName = 'plant-function-keys'

@export()
@description('Name of the Container Apps secret holding the registry password (only when a username is given).')
var registryPasswordSecretName = 'registry-password'

@export()
@description('Environment variables for one role: the shared settings, the role and device, and the API keys by secret reference.')
func plantEnv(settings object, roles string, device string) array =>
  concat(
    map(items(union(settings, { Plant__Roles: roles, Plant__Device: device })), s => { name: s.key, value: string(s.value) }),
    [
      {
        name: 'Plant__Api__FunctionKeys'
        secretRef: functionKeysSecretName
      }
    ]
  )

@export()
@description('Image registry credentials: none for a public registry, the managed identity (needs AcrPull) or a username and password secret.')
func plantRegistries(server string, username string, identityId string) array =>
  empty(server)
    ? []
    : [
        empty(username)
          ? { server: server, identity: identityId }
          : { server: server, username: username, passwordSecretRef: registryPasswordSecretName }
      ]

// Names and ids shared by main.bicep and the modules.

@export()
@description('Name of the Container Apps secret holding the registry password (only when a registry username is given).')
var registryPasswordSecretName = 'registry-password'

@export()
@description('Name of the Container Apps secret holding the Application Insights connection string.')
var appInsightsSecretName = 'appinsights-connection-string'

@export()
@description('A built-in storage role this deployment assigns.')
type storageRole =
  | 'Storage Account Contributor'
  | 'Storage Blob Data Owner'
  | 'Storage Blob Data Contributor'
  | 'Storage Queue Data Contributor'
  | 'Storage Table Data Contributor'

@export()
@description('Role definition ids of the built-in storage roles (identical in every Azure cloud and tenant).')
var storageRoleIds = {
  'Storage Account Contributor': '17d1049b-9a84-46fb-8f53-869881c3d3ab'
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

// Grants one principal the storage data-plane roles PlantFunctions needs, scoped to the storage account only.
// No control-plane role and no key access: the apps read and write blobs, queue messages and table entities, nothing else.

@description('Name of an existing storage account in this resource group.')
param storageAccountName string

@description('Object (principal) id that receives the roles.')
param principalId string

@description('Kind of principal: ServicePrincipal for a managed identity, User or Group for an operator.')
@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string

// Built-in role definition ids (identical in every Azure cloud and tenant).
var roleDefinitionIds = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(roleDefinitionIds): {
    name: guid(account.id, principalId, role.value)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: principalId
      principalType: principalType
      description: 'PlantFunctions: ${role.key}'
    }
  }
]

@description('Ids of the role assignments created.')
output assignmentIds string[] = [for (role, i) in items(roleDefinitionIds): assignments[i].id]

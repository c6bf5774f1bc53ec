// Grants one principal a list of built-in storage roles, scoped to the storage account only.

import { storageRole, storageRoleIds } from 'app-config.bicep'

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

@description('The roles to grant on the storage account.')
param roles storageRole[]

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in roles: {
    name: guid(account.id, principalId, storageRoleIds[role])
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageRoleIds[role])
      principalId: principalId
      principalType: principalType
      description: 'PlantFunctions: ${role}'
    }
  }
]

@description('Ids of the role assignments created.')
output assignmentIds string[] = [for (role, i) in roles: assignments[i].id]

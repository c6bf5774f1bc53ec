// Storage for one PlantFunctions deployment: the account, the service's blob containers and a lifecycle rule that deletes
// old results. Data-plane access is by Microsoft Entra ID only (see main.bicep's role assignments). The same account is
// the Functions host storage (AzureWebJobsStorage): the host, the blob trigger and the Durable Task extension create
// their own containers, queues and tables in it (azure-webjobs-*, <taskHub>-control-NN, <taskHub>-workitems,
// <taskHub>History, <taskHub>Instances, <taskHub>-leases, ...), and the app creates its model registry table
// (PlantModels for the task hub 'plant') when it starts. So only the service's own blob containers are created here.

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Replication SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param skuName string

@description('Allow account-key (shared key) and SAS access. Off: every client, the Functions host and the app authenticate with Entra ID.')
param allowSharedKeyAccess bool

@description('Blob containers to create.')
param containerNames string[]

@description('Container whose blobs are deleted by the lifecycle rule.')
param resultsContainerName string

@description('Blobs in the results container are deleted this many days after their last modification.')
@minValue(1)
param resultsRetentionDays int

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  kind: 'StorageV2'
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: allowSharedKeyAccess
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-results'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
                'appendBlob'
              ]
              // A prefix starts with the container name: this matches every blob in the results container.
              prefixMatch: [
                '${resultsContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: resultsRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    containers
  ]
}

@description('Storage account name.')
output name string = account.name

@description('Storage account resource id.')
output id string = account.id

@description('Blob service endpoint, e.g. https://<account>.blob.core.windows.net/.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue service endpoint, e.g. https://<account>.queue.core.windows.net/.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table service endpoint, e.g. https://<account>.table.core.windows.net/.')
output tableEndpoint string = account.properties.primaryEndpoints.table

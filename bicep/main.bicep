// PlantFunctions as Azure Functions on Azure Container Apps: a storage account (the service's blob containers and the
// Functions host / Durable Task storage), a user-assigned identity with exactly the storage roles the Functions host, the
// blob trigger and the Durable Task extension need, Log Analytics and a workspace-based Application Insights, a Container
// Apps environment with a Consumption and a serverless GPU workload profile, and ONE container app of kind 'functionapp'
// on the GPU profile that runs the isolated worker (HTTP API, orchestrations, activities, blob and timer triggers).
// Deploy with infra/deploy.sh; validate offline with infra/bicep-check.sh.

targetScope = 'resourceGroup'

import { appInsightsSecretName } from 'modules/app-config.bicep'

// ---------------------------------------------------------------------------------------------------------------
// Deployment
// ---------------------------------------------------------------------------------------------------------------

@description('Azure region for every resource. Serverless GPUs exist only in some regions (e.g. westus3, australiaeast, swedencentral).')
param location string = resourceGroup().location

@description('Prefix of resource names: lowercase letters, digits and hyphens.')
@minLength(2)
@maxLength(11)
param namePrefix string = 'plant'

@description('Tags applied to every resource.')
param tags object = {
  application: 'PlantFunctions'
}

@description('Container image of the Functions app, e.g. myregistry.azurecr.io/plantfunctions:1.0.0 (built from infra/container/Dockerfile).')
param containerImage string

@description('Registry login server of containerImage; empty for a public image.')
param registryServer string = ''

@description('Registry username; empty to pull with the managed identity (grant it AcrPull on the registry yourself).')
param registryUsername string = ''

@description('Registry password, used only with registryUsername.')
@secure()
param registryPassword string = ''

@description('Serverless GPU profile the app runs on: T4 (16 GB) by default, A100 (80 GB) for large models.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Minimum replicas. 1 (default) keeps one GPU replica running: with the Durable Task Azure Storage provider, Container Apps does not scale the app from zero for orchestration and activity work. 0 saves the GPU while idle; see infra/DEPLOY.md for what then wakes the app.')
@allowed([
  0
  1
])
param minReplicas int = 1

@description('Maximum replicas (each one a GPU). Container Apps adds replicas on the rules it derives from the app\'s triggers.')
@minValue(1)
@maxValue(100)
param maxReplicas int = 4

@description('Seconds a stopping replica gets to finish the activity in hand (an unfinished one is redelivered by the Durable Task extension anyway).')
@minValue(0)
@maxValue(600)
param terminationGracePeriodSeconds int = 300

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param storageSku string = 'Standard_LRS'

@description('Allow account keys and SAS on the storage account. Off by default: everything authenticates with Entra ID.')
param allowSharedKeyAccess bool = false

@description('Blobs in the results container are deleted this many days after they were last written.')
@minValue(1)
param resultsRetentionDays int = 30

@description('Days Log Analytics keeps logs and Application Insights telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Optional object id of a person or group who runs the plant CLI against this storage (submit, register); gets Storage Blob, Queue and Table Data Contributor.')
param operatorPrincipalId string = ''

@description('Kind of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

// ---------------------------------------------------------------------------------------------------------------
// Application settings (Plant:*). Defaults equal local.settings.sample.json unless a comment says why not.
// ---------------------------------------------------------------------------------------------------------------

@description('Plant:Device. Torch device: cuda on the GPU profile (the sample\'s local default is auto); cpu for a CPU image.')
@allowed([
  'cuda'
  'cpu'
  'auto'
])
param device string = 'cuda'

@description('Plant:TaskHub. The Durable Task hub (host.json: "hubName": "%Plant:TaskHub%"): lowercase letters and digits, starting with a letter.')
@minLength(3)
@maxLength(41)
param taskHub string = 'plant'

@description('Plant:ModelName. Name of the model (under the models container) batches are coded with.')
param modelName string = 'codiesp-dx'

@description('Plant:Containers:Notes. Also the path of the blob trigger that starts batches from ready markers.')
param notesContainerName string = 'notes'

@description('Plant:Containers:Results.')
param resultsContainerName string = 'results'

@description('Plant:Containers:Models.')
param modelsContainerName string = 'models'

@description('Plant:Containers:Training.')
param trainingContainerName string = 'training'

@description('Plant:Batches:NotesPerShard. Notes per CodeShard activity.')
@minValue(1)
param notesPerShard int = 64

@description('Plant:Batches:MaxAttempts. Attempts of a shard before its notes get error records.')
@minValue(1)
param maxAttempts int = 5

@description('Plant:Batches:ErrorThreshold. Failed notes after which a batch fails; -1 for no limit.')
@minValue(-1)
param errorThreshold int = -1


@description('Plant:Notes:MaxNoteChars. Longer notes are rejected.')
@minValue(1)
param maxNoteChars int = 2000000

@description('Plant:Training:SliceDuration (hh:mm:ss). A training activity returns at the first epoch end after this long; the next one resumes from the checkpoint.')
param trainingSliceDuration string = '00:10:00'

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

var storageAccountName = take('${toLower(replace(namePrefix, '-', ''))}${uniqueString(resourceGroup().id)}', 24)
var gpuProfileName = 'gpu'

@description('One container environment variable, typed from the Container Apps schema so misspelt properties fail the build.')
type environmentVariable = resourceInput<'Microsoft.App/containerApps@2025-07-01'>.properties.template.containers[*].env[*]

// A serverless GPU replica gets the whole profile: T4 = 8 vCPU / 56 GiB, A100 = 24 vCPU / 220 GiB.
var gpuResources = {
  'Consumption-GPU-NC8as-T4': {
    cpu: '8.0'
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: '24.0'
    memory: '220Gi'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: '${namePrefix}-id'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    skuName: storageSku
    allowSharedKeyAccess: allowSharedKeyAccess
    containerNames: [
      notesContainerName
      resultsContainerName
      modelsContainerName
      trainingContainerName
    ]
    resultsContainerName: resultsContainerName
    resultsRetentionDays: resultsRetentionDays
  }
}

// The roles Azure Functions documents for an identity-based AzureWebJobsStorage connection, for what this app uses:
//   host only (secrets, locks, timer)   Storage Blob Data Owner
//   diagnostic events                   + Storage Table Data Contributor
//   blob trigger (receipts, poison queue, on the host connection)
//                                       Storage Account Contributor, Storage Blob Data Owner, Storage Queue Data Contributor
//   Durable Functions (Azure Storage)   Storage Blob Data Contributor (covered by Owner), Storage Queue Data Contributor,
//                                       Storage Table Data Contributor
// The app's own blobs (notes, results, models, training) and its models table are covered by the same roles.
module identityRoles 'modules/storage-roles.bicep' = {
  name: 'storage-roles-app'
  params: {
    storageAccountName: storage.outputs.name
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roles: [
      'Storage Blob Data Owner'
      'Storage Queue Data Contributor'
      'Storage Table Data Contributor'
      'Storage Account Contributor'
    ]
  }
}

// The plant CLI (submit, register, init-storage) reads and writes blobs, the models table and the task hub.
module operatorRoles 'modules/storage-roles.bicep' = if (!empty(operatorPrincipalId)) {
  name: 'storage-roles-operator'
  params: {
    storageAccountName: storage.outputs.name
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roles: [
      'Storage Blob Data Contributor'
      'Storage Queue Data Contributor'
      'Storage Table Data Contributor'
    ]
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    name: '${namePrefix}-env'
    logAnalyticsName: '${namePrefix}-logs'
    appInsightsName: '${namePrefix}-insights'
    location: location
    tags: tags
    logRetentionDays: logRetentionDays
    gpuProfileName: gpuProfileName
    gpuProfileType: gpuProfileType
  }
}

// The Functions app's settings. Storage is reached with the managed identity through the identity-based connection
// AzureWebJobsStorage__* (used by the Functions host, the blob trigger, the Durable Task extension and the app's own
// clients); there is no account key or connection string anywhere. Every name of local.settings.sample.json is set
// here (infra/bicep-check.sh checks this) except the three that only mean something to a local run:
//   AzureWebJobsStorage        the Azurite connection string; replaced by the AzureWebJobsStorage__* settings below.
//   Plant__Roles               which loops the local host (plant serve) runs; the Functions app has no roles.
//   Plant__Api__FunctionKeys   the local host's keys; the Functions host has its own (az containerapp function keys).
// AzureWebJobsSecretStorageType=blob: the Functions host generates its keys (master, host, function and the Durable
// extension's system key) and keeps them in the azure-webjobs-secrets container of this account. Functions on Container
// Apps otherwise defaults to the Container Apps secret store, where the host generates no key and every key would have
// to be provisioned as a secret and mounted as a file.
var appSettings environmentVariable[] = [
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  { name: 'AzureWebJobsSecretStorageType', value: 'blob' }
  { name: 'AzureWebJobsStorage__accountName', value: storage.outputs.name }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.outputs.blobEndpoint }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.outputs.queueEndpoint }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.outputs.tableEndpoint }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: appInsightsSecretName }
  { name: 'Plant__Device', value: device }
  { name: 'Plant__TaskHub', value: taskHub }
  { name: 'Plant__ModelName', value: modelName }
  { name: 'Plant__Containers__Notes', value: notesContainerName }
  { name: 'Plant__Containers__Results', value: resultsContainerName }
  { name: 'Plant__Containers__Models', value: modelsContainerName }
  { name: 'Plant__Containers__Training', value: trainingContainerName }
  { name: 'Plant__Batches__NotesPerShard', value: string(notesPerShard) }
  { name: 'Plant__Batches__MaxAttempts', value: string(maxAttempts) }
  { name: 'Plant__Batches__ErrorThreshold', value: string(errorThreshold) }
  { name: 'Plant__Notes__MaxNoteChars', value: string(maxNoteChars) }
  { name: 'Plant__Training__SliceDuration', value: trainingSliceDuration }
]

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: '${namePrefix}-func'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    workloadProfileName: gpuProfileName
    identityId: identity.id
    image: containerImage
    env: appSettings
    appInsightsName: environment.outputs.appInsightsName
    registryServer: registryServer
    registryUsername: registryUsername
    registryPassword: registryPassword
    cpu: gpuResources[gpuProfileType].cpu
    memory: gpuResources[gpuProfileType].memory
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    terminationGracePeriodSeconds: terminationGracePeriodSeconds
  }
  dependsOn: [
    identityRoles
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------------------------

@description('Base URL of the HTTP API (functions under /api, e.g. POST {apiUrl}/api/batches).')
output apiUrl string = 'https://${functionApp.outputs.fqdn}'

@description('Name of the Functions container app (for az containerapp function keys list / logs show).')
output functionAppName string = functionApp.outputs.name

@description('Storage account name (for the plant CLI: submit, register).')
output storageAccountName string = storage.outputs.name

@description('Client id of the app\'s managed identity.')
output identityClientId string = identity.properties.clientId

@description('Application Insights component name.')
output appInsightsName string = environment.outputs.appInsightsName

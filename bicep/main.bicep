// PlantFunctions on Azure Container Apps: storage (blobs, queues, tables), a user-assigned identity with storage
// data-plane roles only, an environment with a Consumption and a serverless GPU profile, the API host, a GPU worker
// that scales 0..N on the work-item queue, and a GPU training job started by the training-signal queue. One image; the role each app
// plays is chosen by Plant__Roles. Deploy with infra/deploy.sh; validate offline with infra/bicep-check.sh.

targetScope = 'resourceGroup'

import { functionKeysSecretName } from 'modules/app-config.bicep'

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

@description('Container image for every app and the job, e.g. myregistry.azurecr.io/plantfunctions:1.0.0 (built from infra/container/Dockerfile).')
param containerImage string

@description('Registry login server of containerImage; empty for a public image.')
param registryServer string = ''

@description('Registry username; empty to pull with the managed identity (grant it AcrPull on the registry yourself).')
param registryUsername string = ''

@description('Registry password, used only with registryUsername.')
@secure()
param registryPassword string = ''

@description('API keys accepted by the HTTP API (Plant:Api:FunctionKeys). Stored as a Container Apps secret.')
@secure()
param apiFunctionKeys string

@description('Serverless GPU profile for the worker and the training job: T4 (16 GB) by default, A100 (80 GB) for large models.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Maximum GPU worker replicas (the worker scales to zero when the work-item queue is empty).')
@minValue(1)
@maxValue(100)
param workerMaxReplicas int = 4

@description('Work-item messages per worker replica the scaler aims for (KEDA azure-queue queueLength).')
@minValue(1)
param workerMessagesPerReplica int = 4

@description('Maximum API replicas. Keep 1 unless the coordinator is safe to run in several replicas at once.')
@minValue(1)
@maxValue(10)
param apiMaxReplicas int = 1

@description('vCPUs of the API replica (Consumption profile: 0.25 to 4).')
param apiCpu string = '1.0'

@description('Memory of the API replica (2 GiB per vCPU on the Consumption profile).')
param apiMemory string = '2Gi'

@description('Maximum run time of one training execution, in seconds.')
@minValue(600)
param trainingTimeoutSeconds int = 14400

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

@description('Days Log Analytics keeps container logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Optional object id of a person or group who runs the plant CLI against this storage (submit, register); gets the same three data roles.')
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

@description('Plant:TaskHub. Prefix of the queue and table names: lowercase letters and digits, starting with a letter.')
@minLength(3)
@maxLength(40)
param taskHub string = 'plant'

@description('Plant:ModelName. Name of the model (under the models container) the workers load.')
param modelName string = 'codiesp-dx'

@description('Plant:Containers:Notes.')
param notesContainerName string = 'notes'

@description('Plant:Containers:Results.')
param resultsContainerName string = 'results'

@description('Plant:Containers:Models.')
param modelsContainerName string = 'models'

@description('Plant:Containers:Training.')
param trainingContainerName string = 'training'

@description('Plant:Batches:NotesPerShard. Notes per work item.')
@minValue(1)
param notesPerShard int = 64

@description('Plant:Batches:MaxAttempts. Deliveries of a work item before it goes to the poison queue.')
@minValue(1)
param maxAttempts int = 5

@description('Plant:Batches:ErrorThreshold. Failed notes after which a batch fails; -1 for no limit.')
@minValue(-1)
param errorThreshold int = -1

@description('Plant:Batches:WatchReadyMarkers. Start batches from ready-marker blobs in the notes container.')
param watchReadyMarkers bool = true

@description('Plant:Workers:Count. Concurrent work-item loops per replica.')
@minValue(1)
param workersPerReplica int = 1

@description('Plant:Workers:VisibilityTimeout (hh:mm:ss). How long a received work item stays invisible to other workers.')
param workerVisibilityTimeout string = '00:02:00'

@description('Plant:Notes:MaxNoteChars. Longer notes are rejected.')
@minValue(1)
param maxNoteChars int = 2000000

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

var storageAccountName = take('${toLower(replace(namePrefix, '-', ''))}${uniqueString(resourceGroup().id)}', 24)
var gpuProfileName = 'gpu'

@description('One container environment variable, typed from the Container Apps schema so misspelt properties fail the build.')
type environmentVariable = resourceInput<'Microsoft.App/containerApps@2025-07-01'>.properties.template.containers[*].env[*]

// Queue and table names derived from the task hub; with the default 'plant': plant-workitems, plant-workitems-poison,
// plant-control and PlantBatches, PlantShards, PlantTrainingJobs, PlantModels.
var hubTitle = '${toUpper(substring(taskHub, 0, 1))}${substring(taskHub, 1)}'
var workItemsQueueName = '${taskHub}-workitems'
var trainingSignalQueueName = '${taskHub}-training'
var queueNames = [
  workItemsQueueName
  '${taskHub}-workitems-poison'
  '${taskHub}-control'
  trainingSignalQueueName
]
var tableNames = [
  '${hubTitle}Batches'
  '${hubTitle}Shards'
  '${hubTitle}TrainingJobs'
  '${hubTitle}Models'
]

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
    queueNames: queueNames
    tableNames: tableNames
    resultsContainerName: resultsContainerName
    resultsRetentionDays: resultsRetentionDays
  }
}

module identityRoles 'modules/storage-roles.bicep' = {
  name: 'storage-roles-app'
  params: {
    storageAccountName: storage.outputs.name
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module operatorRoles 'modules/storage-roles.bicep' = if (!empty(operatorPrincipalId)) {
  name: 'storage-roles-operator'
  params: {
    storageAccountName: storage.outputs.name
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    name: '${namePrefix}-env'
    logAnalyticsName: '${namePrefix}-logs'
    location: location
    tags: tags
    logRetentionDays: logRetentionDays
    gpuProfileName: gpuProfileName
    gpuProfileType: gpuProfileType
  }
}

// Every app and the job get exactly this block, plus Plant__Roles and Plant__Device from roleEnv. Storage is reached
// with the managed identity in the Azure Functions "identity-based connection" convention (AzureWebJobsStorage__*);
// there is no account key or connection string anywhere. The API keys come from a Container Apps secret.
// Every Plant__* name of local.settings.sample.json is provided (infra/bicep-check.sh checks this). Not carried over,
// because they only mean something to a local run:
//   AzureWebJobsStorage      the Azurite connection string; replaced by the AzureWebJobsStorage__* settings below.
//   FUNCTIONS_WORKER_RUNTIME read by the Functions Core Tools only; this is a plain ASP.NET Core host.
var sharedEnv environmentVariable[] = [
  { name: 'AzureWebJobsStorage__accountName', value: storage.outputs.name }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.outputs.blobEndpoint }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.outputs.queueEndpoint }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.outputs.tableEndpoint }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'Plant__TaskHub', value: taskHub }
  { name: 'Plant__ModelName', value: modelName }
  { name: 'Plant__Api__FunctionKeys', secretRef: functionKeysSecretName }
  { name: 'Plant__Containers__Notes', value: notesContainerName }
  { name: 'Plant__Containers__Results', value: resultsContainerName }
  { name: 'Plant__Containers__Models', value: modelsContainerName }
  { name: 'Plant__Containers__Training', value: trainingContainerName }
  { name: 'Plant__Batches__NotesPerShard', value: string(notesPerShard) }
  { name: 'Plant__Batches__MaxAttempts', value: string(maxAttempts) }
  { name: 'Plant__Batches__ErrorThreshold', value: string(errorThreshold) }
  { name: 'Plant__Batches__WatchReadyMarkers', value: watchReadyMarkers ? 'true' : 'false' }
  { name: 'Plant__Workers__Count', value: string(workersPerReplica) }
  { name: 'Plant__Workers__VisibilityTimeout', value: workerVisibilityTimeout }
  { name: 'Plant__Notes__MaxNoteChars', value: string(maxNoteChars) }
]

@description('The two settings that differ between the apps: which roles the host runs and which torch device it uses.')
func roleEnv(roles string, device string) environmentVariable[] => [
  { name: 'Plant__Roles', value: roles }
  { name: 'Plant__Device', value: device }
]

// The API host runs the HTTP API and the batch coordinator. minReplicas 1: a coordinator scaled to zero in the middle
// of a batch would stall it, and HTTP-triggered scale-from-zero would not wake it for queue-driven work.
module api 'modules/container-app.bicep' = {
  name: 'app-api'
  params: {
    name: '${namePrefix}-api'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    workloadProfileName: 'Consumption'
    identityId: identity.id
    image: containerImage
    env: concat(sharedEnv, roleEnv('api', 'cpu'))
    functionKeys: apiFunctionKeys
    registryServer: registryServer
    registryUsername: registryUsername
    registryPassword: registryPassword
    cpu: apiCpu
    memory: apiMemory
    ingressTargetPort: 8080
    minReplicas: 1
    maxReplicas: apiMaxReplicas
    scaleRules: []
    terminationGracePeriodSeconds: 60
  }
  dependsOn: [
    identityRoles
  ]
}

// GPU workers: zero replicas while the work-item queue is empty, up to workerMaxReplicas under load. The KEDA
// azure-queue scaler reads the queue length with the managed identity (no connection string secret).
module worker 'modules/container-app.bicep' = {
  name: 'app-worker'
  params: {
    name: '${namePrefix}-worker'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    workloadProfileName: gpuProfileName
    identityId: identity.id
    image: containerImage
    env: concat(sharedEnv, roleEnv('worker', 'cuda'))
    functionKeys: apiFunctionKeys
    registryServer: registryServer
    registryUsername: registryUsername
    registryPassword: registryPassword
    cpu: gpuResources[gpuProfileType].cpu
    memory: gpuResources[gpuProfileType].memory
    ingressTargetPort: 0
    minReplicas: 0
    maxReplicas: workerMaxReplicas
    scaleRules: [
      {
        name: 'work-item-queue'
        custom: {
          type: 'azure-queue'
          metadata: {
            accountName: storage.outputs.name
            queueName: workItemsQueueName
            queueLength: string(workerMessagesPerReplica)
          }
          identity: identity.id
        }
      }
    ]
    // Long enough to finish the shard in hand; an unfinished one reappears after the visibility timeout anyway.
    terminationGracePeriodSeconds: 300
  }
  dependsOn: [
    identityRoles
  ]
}

module trainer 'modules/training-job.bicep' = {
  name: 'job-trainer'
  params: {
    name: '${namePrefix}-train'
    location: location
    tags: tags
    environmentId: environment.outputs.id
    workloadProfileName: gpuProfileName
    identityId: identity.id
    image: containerImage
    env: concat(sharedEnv, roleEnv('trainer', 'cuda'), [{ name: 'Plant__Training__ExitWhenIdle', value: 'true' }])
    storageAccountName: storage.outputs.name
    signalQueueName: trainingSignalQueueName
    functionKeys: apiFunctionKeys
    registryServer: registryServer
    registryUsername: registryUsername
    registryPassword: registryPassword
    cpu: gpuResources[gpuProfileType].cpu
    memory: gpuResources[gpuProfileType].memory
    replicaTimeoutSeconds: trainingTimeoutSeconds
  }
  dependsOn: [
    identityRoles
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------------------------

@description('Base URL of the HTTP API.')
output apiUrl string = 'https://${api.outputs.fqdn}'

@description('Storage account name (for the plant CLI: submit, register).')
output storageAccountName string = storage.outputs.name

@description('Client id of the apps\' managed identity.')
output identityClientId string = identity.properties.clientId

@description('Name of the GPU worker container app.')
output workerAppName string = worker.outputs.name

@description('Name of the training job (started by POST /api/training-jobs through the training-signal queue).')
output trainingJobName string = trainer.outputs.name

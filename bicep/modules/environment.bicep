// Log Analytics workspace, a workspace-based Application Insights component, and the Container Apps managed environment
// with a Consumption and a serverless GPU workload profile.

@description('Container Apps environment name.')
param name string

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights component name.')
param appInsightsName string

@description('Azure region. Serverless GPU profiles exist only in some regions (e.g. westus3, australiaeast, swedencentral).')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int

@description('Name the GPU workload profile gets inside the environment (apps refer to it by this name).')
param gpuProfileName string

@description('Serverless GPU workload profile type.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string

resource logs 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

// Workspace-based: telemetry (the Functions host's and the worker's OpenTelemetry through the Azure Monitor exporter) is
// stored in the Log Analytics workspace above.
resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    IngestionMode: 'LogAnalytics'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    // Serverless profiles have no instance counts; a GPU profile can only be added when the environment is created.
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuProfileName
        workloadProfileType: gpuProfileType
      }
    ]
  }
}

@description('Managed environment resource id.')
output id string = environment.id

@description('Managed environment name.')
output name string = environment.name

@description('Log Analytics workspace resource id.')
output logAnalyticsId string = logs.id

@description('Application Insights component name (the app reads its connection string into a secret).')
output appInsightsName string = insights.name

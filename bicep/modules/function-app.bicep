// The PlantFunctions Azure Functions app, hosted as Azure Functions on Azure Container Apps: a Microsoft.App/containerApps
// resource with kind 'functionapp'. With that kind, Container Apps reads the app's triggers (HTTP, timer, blob, Durable
// orchestration and activity) from the Functions host and manages the KEDA scale rules itself; user-written scale
// rules are refused in that mode, so template.scale sets only the replica bounds.

import { appInsightsSecretName, registryPasswordSecretName } from 'app-config.bicep'

@description('Container app name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the app.')
param tags object

@description('Managed environment resource id.')
param environmentId string

@description('Workload profile the app runs on (the serverless GPU profile).')
param workloadProfileName string

@description('User-assigned managed identity resource id; used for storage and (optionally) image pulls.')
param identityId string

@description('Container image built from infra/container/Dockerfile, e.g. myregistry.azurecr.io/plantfunctions:1.0.0.')
param image string

@description('Application settings (environment variables), built by main.bicep.')
param env resourceInput<'Microsoft.App/containerApps@2025-07-01'>.properties.template.containers[*].env

@description('Application Insights component (same resource group) whose connection string becomes a secret.')
param appInsightsName string

@description('Registry login server; empty for a public image.')
param registryServer string

@description('Registry username; empty to pull with the managed identity.')
param registryUsername string

@description('Registry password (only with a username).')
@secure()
param registryPassword string

@description('vCPUs per replica (string so fractional values are possible). A serverless GPU replica gets the whole profile.')
param cpu string

@description('Memory per replica, e.g. 56Gi.')
param memory string

@description('Minimum replicas (0 or 1).')
@minValue(0)
@maxValue(1)
param minReplicas int

@description('Maximum replicas.')
@minValue(1)
param maxReplicas int

@description('Seconds a stopping replica gets to finish its current activity.')
@minValue(0)
@maxValue(600)
param terminationGracePeriodSeconds int

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      // Inline so the linter can verify each secret value comes from a @secure() parameter or a resource property.
      secrets: [
        {
          name: appInsightsSecretName
          value: insights.properties.ConnectionString
        }
        ...(!empty(registryServer) && !empty(registryUsername)
          ? [
              {
                name: registryPasswordSecretName
                value: registryPassword
              }
            ]
          : [])
      ]
      registries: empty(registryServer)
        ? []
        : [
            // Without a username the image is pulled with the managed identity, which then needs AcrPull on the registry.
            empty(registryUsername)
              ? { server: registryServer, identity: identityId }
              : { server: registryServer, username: registryUsername, passwordSecretRef: registryPasswordSecretName }
          ]
      // The Functions host in the dotnet-isolated base image listens on port 80. The HTTP functions check their own
      // function keys (AuthorizationLevel.Function); health is anonymous.
      ingress: {
        external: true
        targetPort: 80
        transport: 'auto'
        allowInsecure: false
      }
    }
    template: {
      terminationGracePeriodSeconds: terminationGracePeriodSeconds
      containers: [
        {
          name: 'functions'
          image: image
          env: env
          resources: {
            cpu: json(cpu)
            memory: memory
          }
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

@description('Container app name.')
output name string = app.name

@description('Public host name of the app.')
output fqdn string = app.properties.configuration.?ingress.?fqdn ?? ''

// One PlantFunctions container app (the API host or the GPU worker): same image, role chosen by Plant__Roles in env.

import { functionKeysSecretName, registryPasswordSecretName } from 'app-config.bicep'

@description('Container app name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the app.')
param tags object

@description('Managed environment resource id.')
param environmentId string

@description('Workload profile the app runs on (Consumption or the GPU profile name).')
param workloadProfileName string

@description('User-assigned managed identity resource id; used for storage, the KEDA scaler and (optionally) image pulls.')
param identityId string

@description('Container image, e.g. myregistry.azurecr.io/plantfunctions:1.0.0.')
param image string

@description('Environment variables: main.bicep\'s shared block plus Plant__Roles and Plant__Device.')
param env resourceInput<'Microsoft.App/containerApps@2025-07-01'>.properties.template.containers[*].env

@description('Value of Plant:Api:FunctionKeys, stored as a Container Apps secret.')
@secure()
param functionKeys string

@description('Registry login server; empty for a public image.')
param registryServer string

@description('Registry username; empty to pull with the managed identity.')
param registryUsername string

@description('Registry password (only with a username).')
@secure()
param registryPassword string

@description('vCPUs per replica (string so fractional values such as 0.5 are possible).')
param cpu string

@description('Memory per replica, e.g. 2Gi.')
param memory string

@description('External HTTPS ingress to this target port; 0 for no ingress (background worker).')
@minValue(0)
@maxValue(65535)
param ingressTargetPort int

@description('Minimum replicas.')
@minValue(0)
param minReplicas int

@description('Maximum replicas.')
@minValue(1)
param maxReplicas int

@description('Scale rules (Container Apps ScaleRule objects); empty for none.')
param scaleRules resourceInput<'Microsoft.App/containerApps@2025-07-01'>.properties.template.scale.rules

@description('Seconds a stopping replica gets to finish its current work.')
@minValue(0)
@maxValue(600)
param terminationGracePeriodSeconds int

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
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
      // Inline so the linter can verify each secret value comes from a @secure() parameter.
      secrets: [
        {
          name: functionKeysSecretName
          value: functionKeys
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
      ingress: ingressTargetPort == 0
        ? null
        : {
            external: true
            targetPort: ingressTargetPort
            transport: 'auto'
            allowInsecure: false
          }
    }
    template: {
      terminationGracePeriodSeconds: terminationGracePeriodSeconds
      containers: [
        {
          name: 'plant'
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
        rules: scaleRules
      }
    }
  }
}

@description('Container app name.')
output name string = app.name

@description('Public host name, empty without ingress.')
output fqdn string = app.properties.configuration.?ingress.?fqdn ?? ''

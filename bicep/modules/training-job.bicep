// Container Apps Job that trains a model on the GPU profile when started by hand (az containerapp job start).

import { functionKeysSecretName, registryPasswordSecretName } from 'app-config.bicep'

@description('Job name.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the job.')
param tags object

@description('Managed environment resource id.')
param environmentId string

@description('GPU workload profile name.')
param workloadProfileName string

@description('User-assigned managed identity resource id.')
param identityId string

@description('Container image.')
param image string

@description('Environment variables: main.bicep\'s shared block plus Plant__Roles and Plant__Device.')
param env resourceInput<'Microsoft.App/jobs@2025-07-01'>.properties.template.containers[*].env

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

@description('vCPUs for the training replica.')
param cpu string

@description('Memory for the training replica.')
param memory string

@description('Maximum run time of one training execution, in seconds.')
@minValue(60)
param replicaTimeoutSeconds int

resource job 'Microsoft.App/jobs@2025-07-01' = {
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
      triggerType: 'Manual'
      manualTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
      }
      replicaTimeout: replicaTimeoutSeconds
      // A failed run is not retried automatically (a GPU training run is long and costly): start a new execution.
      replicaRetryLimit: 0
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
    }
    template: {
      containers: [
        {
          name: 'trainer'
          image: image
          env: env
          resources: {
            cpu: json(cpu)
            memory: memory
          }
        }
      ]
    }
  }
}

@description('Job name.')
output name string = job.name

// Container Apps Job that trains models on the GPU profile, started by a KEDA azure-queue rule on the training-signal
// queue (one message per POST /api/training-jobs) or by hand (az containerapp job start).

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

@description('Storage account whose training-signal queue starts executions.')
param storageAccountName string

@description('Queue with one message per submitted training job (<taskHub>-training).')
param signalQueueName string

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
      // POST /api/training-jobs records the job and puts a message on the signal queue; this rule starts one execution,
      // which trains every pending job (resuming a crashed one from its checkpoint), clears the queue and exits
      // (Plant__Training__ExitWhenIdle). A crashed execution leaves the message, so the next one resumes the job.
      triggerType: 'Event'
      eventTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
        scale: {
          minExecutions: 0
          maxExecutions: 1
          pollingInterval: 30
          rules: [
            {
              name: 'training-signal-queue'
              type: 'azure-queue'
              metadata: {
                accountName: storageAccountName
                queueName: signalQueueName
                queueLength: '1'
              }
              identity: identityId
            }
          ]
        }
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

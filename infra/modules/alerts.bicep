metadata description = 'Azure Monitor alerts, all sent to one action group (email): dead-lettered updates, failed Outreach deliveries, an Outreach connection that needs re-authorization, and function errors.'

import { tagsType } from 'types.bicep'

@description('Name of the action group.')
@minLength(1)
@maxLength(260)
param actionGroupName string

@description('Email address that receives the alerts.')
@minLength(3)
param alertEmailAddress string

@description('Appended to every alert name, so that several environments can share a resource group.')
@minLength(1)
param nameSuffix string

@description('Azure region of the log alerts (the region of the Application Insights component).')
param location string

@description('Tags applied to the action group and the alerts.')
param tags tagsType

@description('Resource id of the Service Bus namespace.')
param serviceBusNamespaceId string

@description('Name of the prospect updates queue.')
param queueName string

@description('Resource id of the Application Insights component.')
param appInsightsId string

@description('Failed Outreach updates within 15 minutes above which an alert fires.')
@minValue(0)
param failedDeliveriesThreshold int

@description('Failed invocations plus exceptions within 15 minutes above which an alert fires.')
@minValue(0)
param functionErrorsThreshold int

// The queries name telemetry the app emits: the custom metric `outreach.updates.failed` and the log/metric
// `outreach.connection.needs_reauthorization`. Renaming either in the app silently disables its alert, so the queries
// are plain literals that tests/Infra.Tests asserts on.

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'outreach'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

// A dead-lettered update was not applied to Outreach and will not be retried on its own (max deliveries exceeded or
// expired): someone has to look at it. The namespace metric is filtered to our queue by the EntityName dimension.
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: 'Dead-lettered prospect updates (${nameSuffix})'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages are in the dead-letter queue of ${queueName}: updates that were not applied to Outreach.'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadletteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                queueName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// The app counts every update Outreach rejected or that failed for good in the custom metric outreach.updates.failed.
resource failedDeliveriesAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'Failed Outreach deliveries (${nameSuffix})'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Failed Outreach deliveries'
    description: 'More than ${failedDeliveriesThreshold} prospect updates failed within 15 minutes (custom metric outreach.updates.failed).'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "outreach.updates.failed" | project timestamp, Failed = valueSum'
          timeAggregation: 'Total'
          metricMeasureColumn: 'Failed'
          operator: 'GreaterThan'
          threshold: failedDeliveriesThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// Outreach refused the stored refresh token: nothing is delivered until someone connects again through the Connect
// URL. The app reports it as a log (trace) and/or a custom metric named outreach.connection.needs_reauthorization;
// either one fires this alert.
resource needsReauthorizationAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'Outreach connection needs re-authorization (${nameSuffix})'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Outreach connection needs re-authorization'
    description: 'The connector cannot refresh its Outreach token (outreach.connection.needs_reauthorization). Connect again through the Connect URL.'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'union isfuzzy=true (traces | where message contains "outreach.connection.needs_reauthorization" or tostring(customDimensions) contains "outreach.connection.needs_reauthorization"), (customMetrics | where name == "outreach.connection.needs_reauthorization"), (customEvents | where name == "outreach.connection.needs_reauthorization")'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// Failed invocations (ingest or drain) and unhandled exceptions, as the Functions host reports them.
resource functionErrorsAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'Function errors (${nameSuffix})'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Function errors'
    description: 'More than ${functionErrorsThreshold} failed invocations or exceptions within 15 minutes.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'union isfuzzy=true (requests | where success == false), (exceptions)'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: functionErrorsThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

@description('Resource id of the action group.')
output actionGroupId string = actionGroup.id

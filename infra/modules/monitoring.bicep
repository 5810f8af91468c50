metadata description = 'Log Analytics workspace and workspace-based Application Insights. Local (instrumentation key) authentication is off: telemetry is accepted only with an Entra ID token.'

import { tagsType } from 'types.bicep'

@description('Name of the Log Analytics workspace.')
@minLength(4)
@maxLength(63)
param logAnalyticsName string

@description('Name of the Application Insights component.')
@minLength(1)
@maxLength(260)
param appInsightsName string

@description('Azure region of the workspace and the component.')
param location string

@description('Tags applied to both resources.')
param tags tagsType

@description('Days the workspace keeps logs (30-730).')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Only Entra ID authenticated telemetry (APPLICATIONINSIGHTS_AUTHENTICATION_STRING) is ingested.
    DisableLocalAuth: true
  }
}

@description('Name of the Application Insights component.')
output appInsightsName string = appInsights.name

@description('Resource id of the Application Insights component (scope of the log alerts and of Monitoring Metrics Publisher).')
output appInsightsId string = appInsights.id

@description('Resource id of the Log Analytics workspace.')
output logAnalyticsId string = workspace.id

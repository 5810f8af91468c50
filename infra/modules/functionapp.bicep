metadata description = 'The function app (custom handler) and its plan: Flex Consumption (FC1) by default, Elastic Premium (EP1) on request. Every connection uses the user-assigned identity; no setting holds a key.'

import { tagsType } from 'types.bicep'

@description('Name of the function app (also its default host name: <name>.azurewebsites.net).')
@minLength(2)
@maxLength(60)
param name string

@description('Name of the hosting plan.')
@minLength(1)
@maxLength(60)
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app (the app adds azd-service-name).')
param tags tagsType

@description('FC1 = Flex Consumption, EP1 = Elastic Premium.')
@allowed([
  'FC1'
  'EP1'
])
param planSku string

@description('Flex Consumption: most instances the app scales out to. Microsoft documents 40 as the lowest accepted value; lower values may be rejected at deploy time.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Flex Consumption: memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Flex Consumption: instances kept warm for the HTTP functions (0 = scale to zero).')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstances int

@description('Elastic Premium: most instances the app scales out to (functionAppScaleLimit, also the plan\'s maximum burst).')
@minValue(1)
@maxValue(100)
param functionAppScaleLimit int

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Name of the storage account (host storage and the connector\'s own tables, queues and blobs).')
param storageAccountName string

@description('URL of the blob container that holds the Flex deployment package.')
param deploymentContainerUrl string

@description('Host name of the Service Bus namespace.')
param serviceBusFullyQualifiedNamespace string

@description('Name of the prospect updates queue.')
param queueName string

@description('Name of the Key Vault (for the Key Vault reference of the Outreach client secret).')
param keyVaultName string

@description('URI of the Key Vault (token store).')
param keyVaultUri string

// Microsoft does not treat the connection string as a secret, but it is kept out of deployment history anyway.
@description('Application Insights connection string.')
@secure()
param appInsightsConnectionString string

@description('Name of the Key Vault secret that holds the Outreach OAuth client secret.')
param outreachClientSecretName string

@description('Client id of the Outreach OAuth app.')
param outreachClientId string

@description('Base URL of the Outreach REST API.')
param outreachApiBaseUrl string

@description('Outreach OAuth authorize endpoint.')
param outreachAuthorizeUrl string

@description('Outreach OAuth token endpoint.')
param outreachTokenUrl string

@description('Space-separated OAuth scopes requested from Outreach.')
param outreachScopes string

@description('Name under which the connector stores the Outreach connection\'s tokens.')
param tokensConnectionName string

@description('Path of the mapping configuration file, relative to the app root.')
param mappingFile string

var isFlex = planSku == 'FC1'

// Known before the site exists, so the app can carry its own OAuth redirect URI. It matches defaultHostName as long as
// the app does not opt into unique default host names.
var redirectUri = 'https://${name}.azurewebsites.net/api/oauth/callback'

// Settings the app needs on every plan. Identity-based connections only: <connection>__credential=managedidentity
// with <connection>__clientId selects the user-assigned identity.
var appSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'ConnectorStorage__accountName', value: storageAccountName }
  { name: 'ConnectorStorage__credential', value: 'managedidentity' }
  { name: 'ConnectorStorage__clientId', value: identityClientId }
  { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
  { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
  { name: 'ServiceBusConnection__clientId', value: identityClientId }
  { name: 'Delivery__QueueName', value: queueName }
  { name: 'Tokens__Store', value: 'KeyVault' }
  { name: 'Tokens__KeyVaultUri', value: keyVaultUri }
  { name: 'Tokens__ConnectionName', value: tokensConnectionName }
  { name: 'Outreach__ApiBaseUrl', value: outreachApiBaseUrl }
  { name: 'Outreach__AuthorizeUrl', value: outreachAuthorizeUrl }
  { name: 'Outreach__TokenUrl', value: outreachTokenUrl }
  { name: 'Outreach__ClientId', value: outreachClientId }
  // Resolved by the platform with keyVaultReferenceIdentity; the secret itself is stored by the operator (docs/deploy.md).
  {
    name: 'Outreach__ClientSecret'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${outreachClientSecretName})'
  }
  { name: 'Outreach__RedirectUri', value: redirectUri }
  { name: 'Outreach__Scopes', value: outreachScopes }
  { name: 'Mapping__File', value: mappingFile }
  { name: 'Connector__Mode', value: 'Functions' }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

// Elastic Premium only. Flex Consumption rejects these (its runtime comes from functionAppConfig.runtime and it
// always runs from the deployment package). No WEBSITE_CONTENTAZUREFILECONNECTIONSTRING/WEBSITE_CONTENTSHARE: an Azure
// Files content share needs an account key, and shared-key access is off; the app runs from the zip package instead.
var premiumOnlyAppSettings = [
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'custom' }
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
]

var flexFunctionAppConfig = {
  deployment: {
    storage: {
      type: 'blobContainer'
      value: deploymentContainerUrl
      authentication: {
        type: 'UserAssignedIdentity'
        userAssignedIdentityResourceId: identityId
      }
    }
  }
  runtime: {
    name: 'custom'
    version: '1.0'
  }
  scaleAndConcurrency: {
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    // 'http' is the group of all HTTP-triggered functions (ingest, OAuth); the drain scales on its own.
    alwaysReady: alwaysReadyHttpInstances == 0
      ? []
      : [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstances
          }
        ]
  }
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : {
        name: 'EP1'
        tier: 'ElasticPremium'
      }
  properties: {
    // Linux.
    reserved: true
    maximumElasticWorkerCount: isFlex ? null : functionAppScaleLimit
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'connector' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    // Key Vault references (Outreach__ClientSecret) are resolved with the user-assigned identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      functionAppScaleLimit: isFlex ? null : functionAppScaleLimit
      minimumElasticInstanceCount: isFlex ? null : 1
      appSettings: isFlex ? appSettings : concat(premiumOnlyAppSettings, appSettings)
    }
    functionAppConfig: isFlex ? flexFunctionAppConfig : null
  }
}

// Publishing with basic (user name + password) credentials is off; azd and the Azure CLI deploy with Entra ID tokens.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = site.name

@description('Default host name of the function app.')
output defaultHostName string = site.properties.defaultHostName

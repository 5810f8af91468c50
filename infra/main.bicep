metadata description = 'Outreach connector: an Azure Functions custom handler that turns Adobe Experience Platform audience exports into Outreach prospect updates, with Service Bus buffering, Key Vault token storage, identity-based connections only, and alerts.'

targetScope = 'resourceGroup'

import { tagsType } from 'modules/types.bicep'

// ---------- Environment ----------

@description('Name of the azd environment. Feeds the resource name token and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region of every resource. Defaults to the resource group\'s region.')
param location string = resourceGroup().location

// ---------- Hosting ----------

@description('Hosting plan: FC1 = Flex Consumption (scales to zero, per-function scaling), EP1 = Elastic Premium (always warm).')
@allowed([
  'FC1'
  'EP1'
])
param planSku string = 'FC1'

@description('Flex Consumption: most instances the app scales out to. Microsoft documents 40 as the lowest accepted value.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption: memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// AEP gives the endpoint 2 seconds and retries a failed call only twice before dropping the profiles; a cold start of
// the custom handler can take longer than that, so one instance stays warm by default (billed as always ready).
@description('Flex Consumption: instances kept warm for the HTTP functions (AEP ingest answers within 2 s). 0 = scale to zero.')
@minValue(0)
@maxValue(20)
param alwaysReadyHttpInstances int = 1

@description('Elastic Premium: most instances the app scales out to (functionAppScaleLimit).')
@minValue(1)
@maxValue(100)
param functionAppScaleLimit int = 5

@description('Replication of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

// ---------- Queue (see modules/servicebus.bicep for the arithmetic behind the defaults) ----------

@description('Name of the Service Bus queue that buffers prospect updates.')
@minLength(1)
@maxLength(260)
param queueName string = 'prospect-updates'

@description('Peek-lock duration in seconds (5-300). A batch of 100 updates paced by Outreach\'s budget needs about 36 s.')
@minValue(5)
@maxValue(300)
param queueLockDurationSeconds int = 300

@description('Deliveries before an update is dead-lettered.')
@minValue(1)
@maxValue(2000)
param queueMaxDeliveryCount int = 10

@description('Time to live of an update in days; expired updates are dead-lettered.')
@minValue(1)
@maxValue(365)
param queueMessageTimeToLiveDays int = 14

@description('Duplicate detection history window in minutes: must cover AEP\'s retries of an export (about a minute).')
@minValue(1)
@maxValue(10080)
param queueDuplicateDetectionWindowMinutes int = 10

// ---------- Outreach ----------

@description('Client id of the Outreach OAuth app. Its client secret is stored in Key Vault after deployment (docs/deploy.md).')
@minLength(1)
param outreachClientId string

@description('Base URL of the Outreach REST API.')
param outreachApiBaseUrl string = 'https://api.outreach.io/api/v2/'

@description('Outreach OAuth authorize endpoint.')
param outreachAuthorizeUrl string = 'https://api.outreach.io/oauth/authorize'

@description('Outreach OAuth token endpoint.')
param outreachTokenUrl string = 'https://api.outreach.io/oauth/token'

@description('Space-separated OAuth scopes requested from Outreach.')
@minLength(1)
param outreachScopes string = 'prospects.read prospects.write'

@description('Name under which the connector stores the Outreach connection\'s tokens in Key Vault.')
@minLength(1)
param tokensConnectionName string = 'default'

@description('Path of the mapping configuration file, relative to the app root (the deployed package).')
@minLength(1)
param mappingFile string = 'mapping.json'

// ---------- Security and operations ----------

@description('Object id of the person or group who stores the Outreach client secret; gets Key Vault Secrets Officer on the vault. azd fills in the signed-in user. Empty: no assignment.')
param operatorPrincipalId string = ''

@description('Principal type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('Days a deleted vault or secret stays recoverable (7-90).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Email address that receives the alerts.')
@minLength(3)
param alertEmailAddress string

@description('Failed Outreach updates within 15 minutes above which an alert fires.')
@minValue(0)
param failedDeliveriesThreshold int = 10

@description('Failed invocations plus exceptions within 15 minutes above which an alert fires.')
@minValue(0)
param functionErrorsThreshold int = 5

// ---------- Names ----------

// One token per subscription, resource group, environment and region keeps names globally unique and stable
// across re-deployments (role assignment names and the vault depend on it).
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags tagsType = {
  'azd-env-name': environmentName
}
var names = {
  identity: 'id-${resourceToken}'
  storage: 'st${resourceToken}'
  serviceBus: 'sb-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  appInsights: 'appi-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  actionGroup: 'ag-${resourceToken}'
}
var deploymentContainerName = 'app-package-${resourceToken}'
var outreachClientSecretName = 'outreach-client-secret'

// ---------- Resources ----------

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    queueName: queueName
    lockDurationSeconds: queueLockDurationSeconds
    maxDeliveryCount: queueMaxDeliveryCount
    messageTimeToLiveDays: queueMessageTimeToLiveDays
    duplicateDetectionWindowMinutes: queueDuplicateDetectionWindowMinutes
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

// Read here and handed to the app module as a secure parameter, so no module output carries a connection string.
// dependsOn: the component is read only after the monitoring module has created it.
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: names.appInsights
  dependsOn: [
    monitoring
  ]
}

// Roles first: the host starts as soon as the site exists and needs storage, the queue and the vault.
// Names come from deployment-time values (not module outputs) so what-if can predict the assignments' scopes.
module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  dependsOn: [
    storage
    serviceBus
    keyVault
    monitoring
  ]
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: names.storage
    serviceBusNamespaceName: names.serviceBus
    queueName: queueName
    keyVaultName: names.keyVault
    appInsightsName: names.appInsights
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [
    rbac
  ]
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    planSku: planSku
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    functionAppScaleLimit: functionAppScaleLimit
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    queueName: serviceBus.outputs.queueName
    keyVaultName: keyVault.outputs.name
    keyVaultUri: keyVault.outputs.uri
    appInsightsConnectionString: appInsights.properties.ConnectionString
    outreachClientSecretName: outreachClientSecretName
    outreachClientId: outreachClientId
    outreachApiBaseUrl: outreachApiBaseUrl
    outreachAuthorizeUrl: outreachAuthorizeUrl
    outreachTokenUrl: outreachTokenUrl
    outreachScopes: outreachScopes
    tokensConnectionName: tokensConnectionName
    mappingFile: mappingFile
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    actionGroupName: names.actionGroup
    nameSuffix: resourceToken
    alertEmailAddress: alertEmailAddress
    location: location
    tags: tags
    serviceBusNamespaceId: serviceBus.outputs.id
    queueName: queueName
    appInsightsId: monitoring.outputs.appInsightsId
    failedDeliveriesThreshold: failedDeliveriesThreshold
    functionErrorsThreshold: functionErrorsThreshold
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    displayName: 'Outreach connector (${environmentName})'
    nameSeed: resourceToken
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
  }
}

// ---------- Outputs (azd stores them in the environment; none is secret) ----------

@description('Name of the function app.')
output FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Where AEP posts profile exports (HTTP API destination endpoint). Needs the function key in x-functions-key.')
output INGEST_URL string = 'https://${functionApp.outputs.defaultHostName}/api/profiles'

@description('Open in a browser to connect (or reconnect) the Outreach account.')
output CONNECT_URL string = 'https://${functionApp.outputs.defaultHostName}/api/oauth/connect'

@description('Redirect URI to register in the Outreach OAuth app.')
output OUTREACH_REDIRECT_URI string = 'https://${functionApp.outputs.defaultHostName}/api/oauth/callback'

@description('Name of the Key Vault (where the Outreach client secret goes).')
output KEY_VAULT_NAME string = keyVault.outputs.name

@description('URI of the Key Vault.')
output KEY_VAULT_URI string = keyVault.outputs.uri

@description('Name of the Service Bus queue that buffers prospect updates.')
output SERVICE_BUS_QUEUE_NAME string = serviceBus.outputs.queueName

@description('Name of the Service Bus namespace.')
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.name

@description('Client id of the app\'s user-assigned managed identity.')
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId

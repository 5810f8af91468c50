metadata description = 'Key Vault for the Outreach client secret and the rotating OAuth refresh tokens. Azure RBAC only, soft delete and purge protection on.'

import { tagsType } from 'types.bicep'

@description('Name of the vault (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags tagsType

@description('Days a deleted vault or secret stays recoverable (7-90). Purge protection keeps it from being purged earlier.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Authorization is Azure RBAC only; access policies are ignored by such a vault and none are declared.
    enableRbacAuthorization: true
    accessPolicies: []
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // Public network access stays on: on Flex Consumption, Key Vault references in app settings
    // (Outreach__ClientSecret) do not resolve through a network-restricted vault.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

@description('Name of the vault (used in the Key Vault reference of Outreach__ClientSecret).')
output name string = vault.name

@description('Resource id of the vault.')
output id string = vault.id

@description('URI of the vault, e.g. https://kv-x.vault.azure.net/ (Tokens__KeyVaultUri).')
output uri string = vault.properties.vaultUri

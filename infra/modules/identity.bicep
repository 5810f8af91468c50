metadata description = 'The user-assigned managed identity the function app uses for every Azure connection (storage, Service Bus, Key Vault, Application Insights).'

import { tagsType } from 'types.bicep'

@description('Name of the user-assigned managed identity.')
@minLength(3)
@maxLength(128)
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags tagsType

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity (for the site identity, Key Vault references and Flex deployment storage).')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id of the identity: what DefaultAzureCredential and the Functions host need.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity: what role assignments need.')
output principalId string = identity.properties.principalId

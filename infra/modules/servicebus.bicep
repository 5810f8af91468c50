metadata description = 'Service Bus namespace (Entra ID only) and the queue that buffers prospect updates between ingest and drain.'

import { tagsType } from 'types.bicep'

@description('Name of the Service Bus namespace (6-50 characters, globally unique).')
@minLength(6)
@maxLength(50)
param name string

@description('Azure region of the namespace.')
param location string

@description('Tags applied to the namespace.')
param tags tagsType

@description('Name of the queue that carries prospect updates (the app reads it from Delivery__QueueName).')
@minLength(1)
@maxLength(260)
param queueName string

// Lock duration. The drain function takes batches (host.json: maxMessageBatchSize 100, maxConcurrentCalls 1),
// and the Functions host does not renew locks of batched messages, so one lock must cover a whole batch.
// Outreach allows 10,000 requests per hour per user = 2.78 requests/s, so 100 PATCHes paced by the budget take
// 100 / 2.78 = 36 s; sent one after another at a slow 1.5 s each they take 150 s. PT5M (300 s, the Service Bus
// maximum) leaves 2x headroom over the slow case and 8x over the paced case. When the hourly budget is already
// spent the drain must hand the batch back (or reschedule it) before the lock expires rather than wait for permits;
// host.json functionTimeout (10 min) is longer than the lock, so the app has to bound its own batch time.
@description('Peek-lock duration of the queue in seconds (5-300). One batch of up to 100 updates must finish inside it.')
@minValue(5)
@maxValue(300)
param lockDurationSeconds int

// Every failed batch invocation abandons all of its messages, and Service Bus redelivers abandoned messages at once
// (no back-off), so this count is spent quickly during an Outreach outage: the app reschedules rate-limited and
// transient outcomes itself, and what still exceeds this count lands in the dead-letter queue (alerted).
@description('Deliveries before Service Bus dead-letters a message (1-2000).')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int

@description('Time to live of an update in days. Expired updates are dead-lettered (and alerted), not dropped. Long enough to survive a re-authorization that waits over a weekend.')
@minValue(1)
@maxValue(365)
param messageTimeToLiveDays int

// Ingest sends each update with a MessageId hashed from its content (prospect, fields, values, AEP's versions; not the
// receipt time), so AEP posting the same export again inside the window does not queue it twice; Deliver's scheduled
// copies are deduplicated the same way when a failed batch is redelivered (at once). AEP retries a failed export twice,
// after 15 s and 30 s, so its retries arrive within about a minute: 10 minutes (the default) is ten times that. Kept
// short because an update identical to one sent inside the window is dropped too, and the one case where that is not a
// retry (a value changing and changing back with no AEP version moving) grows with the window. Missing a duplicate is
// harmless (delivery drops values it already applied). Duplicate detection cannot be switched on or off after the
// queue is created; the window can be changed. No sessions: per-prospect order comes from claims (docs/functions.md).
@description('Duplicate detection history window in minutes (1-10080).')
@minValue(1)
@maxValue(10080)
param duplicateDetectionWindowMinutes int

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // Entra ID only: SAS keys (RootManageSharedAccessKey and friends) are rejected.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    lockDuration: 'PT${lockDurationSeconds}S'
    maxDeliveryCount: maxDeliveryCount
    defaultMessageTimeToLive: 'P${messageTimeToLiveDays}D'
    deadLetteringOnMessageExpiration: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT${duplicateDetectionWindowMinutes}M'
    requiresSession: false
    enablePartitioning: false
    enableBatchedOperations: true
  }
}

@description('Name of the namespace.')
output name string = namespace.name

@description('Resource id of the namespace (scope of the dead-letter metric alert).')
output id string = namespace.id

@description('Host name of the namespace, e.g. sb-x.servicebus.windows.net (ServiceBusConnection__fullyQualifiedNamespace).')
output fullyQualifiedNamespace string = parseUri(namespace.properties.serviceBusEndpoint).host

@description('Name of the queue.')
output queueName string = queue.name

metadata description = 'Azure Monitor workbook over Application Insights: the connector\'s hourly runs (received, excluded, invalid, updated, failed), failures by error code with sample prospects, activation per audience, rate limiting and queue lag, and the connection\'s token health. The same views as the status page, from the telemetry.'

import { tagsType } from 'types.bicep'

@description('Display name of the workbook in the portal.')
@minLength(1)
param displayName string

@description('Seed of the workbook\'s resource name (a GUID derived from it and the resource group), so several environments can share a resource group.')
@minLength(1)
param nameSeed string

@description('Azure region of the workbook.')
param location string

@description('Tags applied to the workbook.')
param tags tagsType

@description('Resource id of the Application Insights component the workbook queries.')
param appInsightsId string

// Each query names telemetry the app emits (src/Outreach.Connector/Monitoring/ConnectorTelemetry.cs): OpenTelemetry metrics
// arrive in customMetrics (valueSum per export interval, tags in customDimensions), log records in traces. Renaming an
// instrument in the app empties its view here; tests/Infra.Tests/WorkbookTests.cs checks the names.
var runsQuery = '''
customMetrics
| where name in ("outreach.ingest.profiles", "outreach.updates.applied", "outreach.updates.up_to_date", "outreach.updates.failed", "outreach.requests.sent", "outreach.requests.rate_limited")
| extend outcome = tostring(customDimensions.outcome)
| summarize
    Received = sumif(valueSum, name == "outreach.ingest.profiles"),
    Accepted = sumif(valueSum, name == "outreach.ingest.profiles" and outcome == "accepted"),
    Excluded = sumif(valueSum, name == "outreach.ingest.profiles" and outcome == "excluded"),
    Invalid = sumif(valueSum, name == "outreach.ingest.profiles" and outcome == "invalid"),
    ProspectsUpdated = sumif(valueSum, name == "outreach.updates.applied"),
    UpToDate = sumif(valueSum, name == "outreach.updates.up_to_date"),
    Failed = sumif(valueSum, name == "outreach.updates.failed"),
    Requests = sumif(valueSum, name == "outreach.requests.sent"),
    RateLimited = sumif(valueSum, name == "outreach.requests.rate_limited")
    by Run = bin(timestamp, 1h)
| extend ActivationRate = iff(ProspectsUpdated + UpToDate + Excluded + Failed + Invalid == 0, real(null), round(100.0 * (ProspectsUpdated + UpToDate + Excluded) / (ProspectsUpdated + UpToDate + Excluded + Failed + Invalid), 1))
| order by Run desc
'''

var chartQuery = '''
customMetrics
| where name in ("outreach.updates.applied", "outreach.updates.failed", "outreach.ingest.profiles")
| extend series = case(name == "outreach.updates.applied", "updated", name == "outreach.updates.failed", "failed", tostring(customDimensions.outcome) == "accepted", "accepted", "excluded or invalid")
| summarize Count = sum(valueSum) by series, bin(timestamp, 1h)
| render columnchart
'''

var failuresQuery = '''
let samples = traces
    | where isnotempty(customDimensions.ErrorId) or isnotempty(customDimensions.LedgerKey)
    | extend ErrorId = tostring(customDimensions.ErrorId), ProspectId = tostring(customDimensions.ProspectId)
    | summarize SampleProspectIds = make_set(ProspectId, 5), Description = take_any(message) by ErrorId;
customMetrics
| where name == "outreach.updates.failed"
| extend ErrorId = tostring(customDimensions.error_id)
| summarize Updates = sum(valueSum), LastFailure = max(timestamp) by ErrorId
| join kind=leftouter samples on ErrorId
| project ErrorId, Updates, LastFailure, Description, SampleProspectIds
| order by Updates desc
'''

var audiencesQuery = '''
customMetrics
| where name == "outreach.audience.writes"
| extend AudienceId = tostring(customDimensions.audience_id), Status = tostring(customDimensions.value)
| summarize Writes = sum(valueSum), LastWritten = max(timestamp) by AudienceId, Status
| evaluate pivot(Status, sum(Writes), AudienceId)
| join kind=inner (customMetrics | where name == "outreach.audience.writes" | summarize LastWritten = max(timestamp) by AudienceId = tostring(customDimensions.audience_id)) on AudienceId
| project-away AudienceId1
| order by LastWritten desc
'''

var pacingQuery = '''
customMetrics
| where name in ("outreach.budget.remaining", "outreach.queue.lag", "outreach.requests.rate_limited", "outreach.updates.deferred")
| summarize
    RemainingBudget = minif(valueMin, name == "outreach.budget.remaining"),
    QueueLagSeconds = maxif(valueMax, name == "outreach.queue.lag"),
    RateLimited = sumif(valueSum, name == "outreach.requests.rate_limited"),
    Deferred = sumif(valueSum, name == "outreach.updates.deferred")
    by bin(timestamp, 15m)
| render timechart
'''

var connectionQuery = '''
customMetrics
| where name in ("outreach.token.refreshes", "outreach.connection.needs_reauthorization")
| extend Outcome = iff(name == "outreach.connection.needs_reauthorization", strcat("needs_reauthorization (", tostring(customDimensions.source), ")"), tostring(customDimensions.outcome))
| summarize Count = sum(valueSum), Last = max(timestamp) by Metric = name, Outcome
| order by Last desc
'''

@description('A workbook query step (type 3).')
type kqlItem = {
  type: int
  name: string
  content: {
    version: string
    title: string
    query: string
    size: int
    queryType: int
    resourceType: string
    visualization: string
    timeContextFromParameter: string
  }
}

func kql(name string, title string, query string, visualization string) kqlItem => {
  type: 3
  name: name
  content: {
    version: 'KqlItem/1.0'
    title: title
    query: query
    size: 0
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: visualization
    timeContextFromParameter: 'TimeRange'
  }
}

var content = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'intro'
      content: {
        json: '## Outreach connector\nHourly runs as AEP shows them for its own destinations, failures by error code, and activation per audience. The status page of the app (`/api/status`) shows the same from Table storage; docs/monitoring.md explains every number.'
      }
    }
    {
      type: 9
      name: 'parameters'
      content: {
        version: 'KqlParameterItem/1.0'
        parameters: [
          {
            name: 'TimeRange'
            type: 4
            isRequired: true
            value: {
              durationMs: 86400000
            }
            typeSettings: {
              allowCustom: true
              selectableValues: [
                { durationMs: 3600000 }
                { durationMs: 86400000 }
                { durationMs: 604800000 }
                { durationMs: 2592000000 }
              ]
            }
          }
        ]
      }
    }
    kql('runs-chart', 'Identities per hour', chartQuery, 'barchart')
    kql('runs', 'Runs (one per hour)', runsQuery, 'table')
    kql('failures', 'Failures by error code', failuresQuery, 'table')
    kql('audiences', 'Activation per audience', audiencesQuery, 'table')
    kql('pacing', 'Rate limit, remaining budget and queue lag', pacingQuery, 'timechart')
    kql('connection', 'Token refreshes and re-authorization', connectionQuery, 'table')
  ]
  fallbackResourceIds: [
    appInsightsId
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'outreach-connector-workbook', nameSeed)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: string(content)
  }
}

@description('Resource id of the workbook.')
output workbookId string = workbook.id

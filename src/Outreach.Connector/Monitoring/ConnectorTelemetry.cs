using System.Diagnostics;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// The names under which the connector reports traces and metrics: one <see cref="ActivitySource"/> and one meter, both
/// named <see cref="Name"/>, and the instrument names the infra alerts and the workbook query.
/// </summary>
/// <remarks>
/// <see cref="Instruments.UpdatesFailed"/> and <see cref="Instruments.NeedsReauthorization"/> are queried by name in
/// <c>infra/modules/alerts.bicep</c>; renaming either silently disables its alert.
/// </remarks>
public static class ConnectorTelemetry
{
    /// <summary>The name of the connector's activity source and meter.</summary>
    public const string Name = "Outreach.Connector";

    /// <summary>The connector's activity source. Static, as OpenTelemetry recommends: it holds no state of its own.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Activity (span) names.</summary>
    public static class Activities
    {
        /// <summary>One AEP export request: read, translate, queue. Its id travels in each queued update (<c>tp</c>).</summary>
        public const string Ingest = "outreach.ingest";

        /// <summary>One batch of queue messages worked on by the delivery engine.</summary>
        public const string DeliverBatch = "outreach.deliver.batch";

        /// <summary>One prospect's PATCH, continuing the trace of the ingest request its update came from.</summary>
        public const string DeliverProspect = "outreach.deliver.prospect";

        /// <summary>A replay of failure ledger entries onto the update queue.</summary>
        public const string Replay = "outreach.replay";
    }

    /// <summary>Metric instrument names.</summary>
    public static class Instruments
    {
        /// <summary>Profiles ingest read, by <c>outcome</c> (accepted, excluded, invalid) and, when excluded, <c>reason</c>.</summary>
        public const string IngestProfiles = "outreach.ingest.profiles";

        /// <summary>Export requests refused whole (not JSON, too large…), by <c>code</c>.</summary>
        public const string IngestRefused = "outreach.ingest.refused";

        /// <summary>Queue messages (updates) delivery received.</summary>
        public const string UpdatesReceived = "outreach.updates.received";

        /// <summary>Updates whose values Outreach now holds because a PATCH was applied; <c>dry_run</c> true when none was sent.</summary>
        public const string UpdatesApplied = "outreach.updates.applied";

        /// <summary>Updates merged into another update's PATCH of the same prospect.</summary>
        public const string UpdatesCoalesced = "outreach.updates.coalesced";

        /// <summary>Fields dropped before sending, by <c>kind</c>: stale (a newer value was applied) or duplicate (already applied).</summary>
        public const string UpdatesStale = "outreach.updates.stale";

        /// <summary>Updates completed without a request because Outreach already held everything they carry.</summary>
        public const string UpdatesUpToDate = "outreach.updates.up_to_date";

        /// <summary>Updates that failed for good, by <c>error_id</c> (Outreach's error id, http404…, deliveryAttemptsExhausted). Alerted on.</summary>
        public const string UpdatesFailed = "outreach.updates.failed";

        /// <summary>Updates given back for a later attempt after a transient failure.</summary>
        public const string UpdatesRetried = "outreach.updates.retried";

        /// <summary>Updates deferred by the request budget or a 429, or held while the connection needs re-authorization, by <c>reason</c>.</summary>
        public const string UpdatesDeferred = "outreach.updates.deferred";

        /// <summary>Audience fields written to prospects by applied PATCHes, by <c>audience_id</c> and <c>value</c> (the status text written).</summary>
        public const string AudienceWrites = "outreach.audience.writes";

        /// <summary>Updates put back on the queue from the failure ledger by a replay.</summary>
        public const string UpdatesReplayed = "outreach.updates.replayed";

        /// <summary>PATCH requests sent to Outreach.</summary>
        public const string RequestsSent = "outreach.requests.sent";

        /// <summary>PATCH requests Outreach answered with 429.</summary>
        public const string RequestsRateLimited = "outreach.requests.rate_limited";

        /// <summary>Requests Outreach says remain in the current rate-limit window (its <c>X-RateLimit-Remaining</c>).</summary>
        public const string BudgetRemaining = "outreach.budget.remaining";

        /// <summary>Age of the oldest update in the batch being delivered (now minus when ingest received it), in seconds.</summary>
        public const string QueueLag = "outreach.queue.lag";

        /// <summary>Token refreshes, by <c>outcome</c>: succeeded, needs_reauthorization, throttled, failed, client_rejected.</summary>
        public const string TokenRefreshes = "outreach.token.refreshes";

        /// <summary>Times the connection was found to need re-authorization. Alerted on.</summary>
        public const string NeedsReauthorization = "outreach.connection.needs_reauthorization";

        /// <summary>Outreach requests of the bulk path, by <c>kind</c>: read (collection GET), bulk (bulk action), poll (batch status and items).</summary>
        public const string BulkPathRequests = "outreach.requests.bulk_path";

        /// <summary>Prospects written by bulk actions, by <c>outcome</c>: applied, or failed (then sent one PATCH each).</summary>
        public const string BulkProspects = "outreach.bulk.prospects";

        /// <summary>Fields not sent because Outreach already holds the value (written before or read back).</summary>
        public const string SkippedUnchanged = "outreach.updates.skipped_unchanged";
    }
}

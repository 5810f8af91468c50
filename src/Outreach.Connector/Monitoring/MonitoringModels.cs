namespace Outreach.Connector.Monitoring;

/// <summary>Everything the status endpoint and page show: health, the last hours' runs, and the activation view.</summary>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="Connection">The Outreach connection (Delivery:ConnectionName).</param>
/// <param name="DryRun">True when PATCHes are recorded instead of sent.</param>
/// <param name="Health">Healthy or degraded, and why.</param>
/// <param name="Delivery">When delivery last worked and how old its oldest update was.</param>
/// <param name="Totals">The runs added up.</param>
/// <param name="Runs">One run per hour, oldest first, the current (processing) hour last.</param>
/// <param name="Audiences">Per mapped audience: where it is written and what was written.</param>
/// <param name="Refusals">Ingest requests refused with a 4xx since this instance started; null where not tracked.</param>
public sealed record ConnectorStatus(
    DateTimeOffset GeneratedAt,
    string Connection,
    bool DryRun,
    HealthReport Health,
    DeliveryState Delivery,
    RunReport Totals,
    IReadOnlyList<RunReport> Runs,
    IReadOnlyList<AudienceActivation> Audiences,
    IngestRefusalSummary? Refusals = null)
{
    /// <summary>
    /// The sections whose source could not be read within its budget (<c>runs</c>, <c>failures</c>, <c>delivery</c>) and
    /// why; such a section shows as empty. Null when every source answered.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Errors { get; init; }

    /// <summary>Per-record bulk writes (Outreach imports) over the hours shown, and whether they are in use (the "Imports" tile).</summary>
    public PerRecordBulkReport? Imports { get; init; }
}

/// <summary>Delivery's last batch.</summary>
/// <param name="LastBatchAt">When delivery last worked on a batch (null: never).</param>
/// <param name="QueueLagSeconds">Age of that batch's oldest update, in seconds.</param>
public sealed record DeliveryState(DateTimeOffset? LastBatchAt, double? QueueLagSeconds);

/// <summary>One hourly run, like an AEP dataflow run of a streaming destination.</summary>
/// <param name="RunId">The hour, <c>yyyyMMddHH</c> (UTC); <c>total</c> for the totals.</param>
/// <param name="Start">Start of the hour.</param>
/// <param name="End">End of the hour.</param>
/// <param name="Status"><c>processing</c> for the current hour, otherwise <c>completed</c>.</param>
/// <param name="Received">Profiles AEP posted (ingest).</param>
/// <param name="Accepted">Profiles turned into one queued update each.</param>
/// <param name="Activated">Updates whose values Outreach holds: applied by a PATCH, or already there (up to date).</param>
/// <param name="Excluded">Profiles skipped by design (no Outreach id, nothing mapped…).</param>
/// <param name="Invalid">Profiles that were malformed.</param>
/// <param name="Failed">Updates Outreach rejected for good, or that exhausted their attempts.</param>
/// <param name="ActivationRate">(Activated + Excluded) ÷ (Activated + Excluded + Failed + Invalid); null when nothing was decided.</param>
/// <param name="ProspectsUpdated">Writes Outreach applied to existing prospects (one per prospect and batch); creates are <see cref="RunReport.ProspectsCreated"/>.</param>
/// <param name="RequestsSent">PATCH requests sent (429s and failures included).</param>
/// <param name="RateLimited">Requests answered 429.</param>
/// <param name="Retried">Updates retried after a transient failure.</param>
/// <param name="Deferred">Updates deferred by the budget or a 429, or held for re-authorization.</param>
/// <param name="Coalesced">Updates merged into another update of the same prospect.</param>
/// <param name="StaleFields">Fields not sent because a newer or the same value was already applied.</param>
/// <param name="DryRunApplied">PATCHes a dry run recorded instead of sending.</param>
/// <param name="Replayed">Failed updates a replay queued again.</param>
/// <param name="ExcludedByReason">Exclusion reason code to profiles.</param>
/// <param name="Failures">Failures grouped by error code, most frequent first.</param>
public sealed record RunReport(
    string RunId,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Status,
    long Received,
    long Accepted,
    long Activated,
    long Excluded,
    long Invalid,
    long Failed,
    double? ActivationRate,
    long ProspectsUpdated,
    long RequestsSent,
    long RateLimited,
    long Retried,
    long Deferred,
    long Coalesced,
    long StaleFields,
    long DryRunApplied,
    long Replayed,
    IReadOnlyDictionary<string, long> ExcludedByReason,
    IReadOnlyList<FailureGroup> Failures)
{
    /// <summary>How many prospects each Outreach request brought into sync: bulk writes, reads, skipped values.</summary>
    public WriteEfficiency Writes { get; init; } = WriteEfficiency.None;

    /// <summary>Prospects created for an email no prospect held (mapping <c>createProspects</c>).</summary>
    public long ProspectsCreated { get; init; }

    /// <summary>Field changes whose AEP event time lay in the future (beyond <c>Delivery:MaxEventTimeSkew</c>) and were ordered by their receipt time.</summary>
    public long FutureEventTimes { get; init; }
}

/// <summary>Requests against prospects brought into sync in a run: what bulk writes and skipping unchanged values saved.</summary>
/// <param name="OutreachRequests">Every Outreach request: PATCHes plus the bulk path's reads, bulk actions and polls.</param>
/// <param name="BulkCalls">Bulk actions Outreach accepted.</param>
/// <param name="BulkProspects">Prospects written by finished bulk actions.</param>
/// <param name="BulkItemsFailed">Prospects whose bulk item failed (then sent one PATCH each).</param>
/// <param name="ProspectsRead">Never-written prospects read back before their first write.</param>
/// <param name="SkippedUnchanged">Fields not sent because Outreach already held the value.</param>
/// <param name="ProspectsPerRequest">Updates activated ÷ Outreach requests; null when no request was sent.</param>
public sealed record WriteEfficiency(
    long OutreachRequests, long BulkCalls, long BulkProspects, long BulkItemsFailed, long ProspectsRead, long SkippedUnchanged, double? ProspectsPerRequest)
{
    /// <summary>A run without requests.</summary>
    public static WriteEfficiency None { get; } = new(0, 0, 0, 0, 0, 0, null);
}

/// <summary>The failures of one error code in a run: how many, what it means, and examples.</summary>
/// <param name="ErrorId">Outreach's error id (<c>validationError</c>, <c>resourceNotFound</c>), <c>http404</c> without one, or <c>deliveryAttemptsExhausted</c>.</param>
/// <param name="Count">Prospect updates that failed with it.</param>
/// <param name="Description">What it means and what to do.</param>
/// <param name="Fields">The fields Outreach named (e.g. <c>custom3</c>), with their audiences and mapping IDs.</param>
/// <param name="SampleProspectIds">Some of the prospects, from the failure ledger.</param>
public sealed record FailureGroup(string ErrorId, long Count, string Description, IReadOnlyList<string> Fields, IReadOnlyList<long> SampleProspectIds)
{
    /// <summary>For failed updates that named their prospect by email: the masked addresses and hashes (never an address).</summary>
    public IReadOnlyList<SampleEmail> SampleEmails { get; init; } = [];
}

/// <summary>An email as the status page shows it.</summary>
/// <param name="Masked">The masked address, e.g. <c>a***@example.com</c>.</param>
/// <param name="Hash">The address's hash (SHA-256 of the lower-cased address, or HMAC-SHA256 with the configured key).</param>
public sealed record SampleEmail(string Masked, string Hash);

/// <summary>One mapped audience, like AEP's activation data tab.</summary>
/// <param name="AudienceId">The AEP audience id.</param>
/// <param name="Name">Its display name from the mapping.</param>
/// <param name="MappingId">N of <c>customN</c>.</param>
/// <param name="Field">The Outreach field, <c>customN</c>.</param>
/// <param name="Written">Status to writes applied in the report's hours (realized, existing, exited; other for values outside the mapping's texts).</param>
/// <param name="WrittenTotal">All writes applied.</param>
/// <param name="Failed">Failure ledger entries in the report's hours whose rejected field is this audience's.</param>
/// <param name="LastWrittenAt">When the field was last written to a prospect (null: never).</param>
public sealed record AudienceActivation(
    string AudienceId,
    string Name,
    int MappingId,
    string Field,
    IReadOnlyDictionary<string, long> Written,
    long WrittenTotal,
    long Failed,
    DateTimeOffset? LastWrittenAt,
    AudienceSequenceActivity? Sequence = null);

/// <summary>What enrolment did for one audience → sequence over the report's hours (mapping <c>sequence</c>).</summary>
/// <param name="SequenceId">The Outreach sequence.</param>
/// <param name="Enrolled">Prospects Outreach enrolled.</param>
/// <param name="Refused">Enrolments Outreach refused, by reason (<c>opted_out</c>, <c>already_in_sequence</c>, …).</param>
/// <param name="Held">Enrolments the hourly guard held for a later hour.</param>
/// <param name="NotReady">Enrolments waiting because the sequence or mailbox was not ready.</param>
/// <param name="FinishedOnExit">Sequence states finished because the prospect left the audience.</param>
/// <param name="PausedOnExit">Sequence states paused because the prospect left the audience.</param>
/// <param name="DryRunPlanned">Enrolments a dry run recorded instead of sending.</param>
public sealed record AudienceSequenceActivity(
    long SequenceId, long Enrolled, IReadOnlyDictionary<string, long> Refused, long Held, long NotReady, long FinishedOnExit, long PausedOnExit, long DryRunPlanned);

/// <summary>Healthy or degraded, and why.</summary>
/// <param name="Status"><c>healthy</c> or <c>degraded</c>.</param>
/// <param name="Reasons">Why it is degraded; empty when healthy.</param>
/// <param name="CheckedAt">When it was evaluated.</param>
public sealed record HealthReport(string Status, IReadOnlyList<HealthReason> Reasons, DateTimeOffset CheckedAt)
{
    /// <summary>The status of a connector that can deliver.</summary>
    public const string Healthy = "healthy";

    /// <summary>The status of a connector that needs attention.</summary>
    public const string Degraded = "degraded";

    /// <summary>True when healthy.</summary>
    public bool IsHealthy => Status == Healthy;
}

/// <summary>One reason the connector is degraded.</summary>
/// <param name="Code"><c>not_connected</c>, <c>needs_reauthorization</c>, <c>rate_limited</c>, <c>failure_rate</c>, <c>queue_lag</c>, <c>storage_unavailable</c>, <c>bulk_writes_off</c> or <c>per_record_bulk_off</c>.</param>
/// <param name="Message">What is wrong and what to do, for people.</param>
/// <param name="Until">When it ends by itself, when known (a 429 block, a re-authorization probe).</param>
public sealed record HealthReason(string Code, string Message, DateTimeOffset? Until = null);

/// <summary>What a replay did.</summary>
/// <param name="Matched">Ledger entries that matched the query.</param>
/// <param name="Replayed">Entries queued again and removed from the ledger.</param>
/// <param name="ListOnly">True when nothing was queued (a preview).</param>
/// <param name="Error">Why the replay stopped early, if it did (the remaining entries stay in the ledger).</param>
/// <param name="Entries">The matched entries.</param>
public sealed record ReplayResult(int Matched, int Replayed, bool ListOnly, string? Error, IReadOnlyList<ReplayedEntry> Entries);

/// <summary>One failure ledger entry a replay matched.</summary>
/// <param name="Key">The ledger key (<c>errorId/row</c>).</param>
/// <param name="ProspectId">The prospect.</param>
/// <param name="ErrorId">The error key it was filed under.</param>
/// <param name="Explanation">Why it failed.</param>
/// <param name="Replayed">True when it was queued again and removed from the ledger.</param>
public sealed record ReplayedEntry(string Key, long ProspectId, string ErrorId, string Explanation, bool Replayed);

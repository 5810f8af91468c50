using System.Diagnostics;
using System.Diagnostics.Metrics;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Ingest;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using I = Outreach.Connector.Monitoring.ConnectorTelemetry.Instruments;
using Bulk = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Monitoring;

/// <summary>The connector's metric instruments (meter <see cref="ConnectorTelemetry.Name"/>), created through <see cref="IMeterFactory"/>.</summary>
/// <remarks>
/// One instance per service provider (a singleton): the factory scopes the meter to its container, so tests can listen to
/// one app's measurements only (<c>instrument.Meter.Scope</c>). Delivery's measurements are derived from the same
/// per-batch counts that go to the hourly table counters, so the two never disagree.
/// </remarks>
public sealed class ConnectorMetrics
{
    private readonly Counter<long> _ingestProfiles;
    private readonly Counter<long> _ingestRefused;
    private readonly Counter<long> _received;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _upToDate;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deferred;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _audienceWrites;
    private readonly Counter<long> _requestsSent;
    private readonly Counter<long> _rateLimited;
    private readonly Gauge<long> _budgetRemaining;
    private readonly Gauge<double> _queueLag;
    private readonly Counter<long> _tokenRefreshes;
    private readonly Counter<long> _needsReauthorization;
    private readonly Counter<long> _bulkPathRequests;
    private readonly Counter<long> _bulkProspects;
    private readonly Counter<long> _skippedUnchanged;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public ConnectorMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(new MeterOptions(ConnectorTelemetry.Name));
        _ingestProfiles = Meter.CreateCounter<long>(I.IngestProfiles, "{profile}", "Profiles received from AEP, by outcome and exclusion reason.");
        _ingestRefused = Meter.CreateCounter<long>(I.IngestRefused, "{request}", "AEP export requests refused whole, by code.");
        _received = Meter.CreateCounter<long>(I.UpdatesReceived, "{update}", "Queue messages delivery received.");
        _applied = Meter.CreateCounter<long>(I.UpdatesApplied, "{prospect}", "Prospect updates Outreach applied (or a dry run would have sent).");
        _coalesced = Meter.CreateCounter<long>(I.UpdatesCoalesced, "{update}", "Queue messages merged into another message's PATCH.");
        _stale = Meter.CreateCounter<long>(I.UpdatesStale, "{field}", "Fields not sent because a newer or the same value was already applied.");
        _upToDate = Meter.CreateCounter<long>(I.UpdatesUpToDate, "{update}", "Queue messages completed without a request.");
        _failed = Meter.CreateCounter<long>(I.UpdatesFailed, "{prospect}", "Prospect updates that failed for good, by error id.");
        _retried = Meter.CreateCounter<long>(I.UpdatesRetried, "{update}", "Queue messages retried after a transient failure.");
        _deferred = Meter.CreateCounter<long>(I.UpdatesDeferred, "{update}", "Queue messages deferred (budget, 429) or held (re-authorization).");
        _audienceWrites = Meter.CreateCounter<long>(I.AudienceWrites, "{field}", "Audience fields written to prospects, by audience and status text.");
        _replayed = Meter.CreateCounter<long>(I.UpdatesReplayed, "{update}", "Failed updates queued again by a replay.");
        _requestsSent = Meter.CreateCounter<long>(I.RequestsSent, "{request}", "PATCH requests sent to Outreach.");
        _rateLimited = Meter.CreateCounter<long>(I.RequestsRateLimited, "{request}", "PATCH requests Outreach answered with 429.");
        _budgetRemaining = Meter.CreateGauge<long>(I.BudgetRemaining, "{request}", "Requests Outreach reports left in its rate-limit window.");
        _queueLag = Meter.CreateGauge<double>(I.QueueLag, "s", "Age of the oldest update in the batch being delivered.");
        _tokenRefreshes = Meter.CreateCounter<long>(I.TokenRefreshes, "{refresh}", "Access token refreshes, by outcome.");
        _needsReauthorization = Meter.CreateCounter<long>(I.NeedsReauthorization, "{event}", "Times the Outreach connection was found to need re-authorization.");
        _bulkPathRequests = Meter.CreateCounter<long>(I.BulkPathRequests, "{request}", "Outreach requests of the bulk path (collection reads, bulk actions, batch polls).");
        _bulkProspects = Meter.CreateCounter<long>(I.BulkProspects, "{prospect}", "Prospects written by bulk actions, by outcome.");
        _skippedUnchanged = Meter.CreateCounter<long>(I.SkippedUnchanged, "{field}", "Fields not sent because Outreach already holds the value.");
    }

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter { get; }

    /// <summary>Records what became of each profile of an export request.</summary>
    public void RecordIngest(ExportTranslation translation)
    {
        ArgumentNullException.ThrowIfNull(translation);
        if (translation.BodyError is { } error)
        {
            _ingestRefused.Add(1, new KeyValuePair<string, object?>("code", error.Code));
            return;
        }

        Add(_ingestProfiles, translation.AcceptedCount, "outcome", "accepted");
        Add(_ingestProfiles, translation.InvalidCount, "outcome", "invalid");
        foreach (var group in translation.Outcomes.OfType<ProfileOutcome.Excluded>().GroupBy(e => e.Reason, StringComparer.Ordinal))
        {
            _ingestProfiles.Add(group.Count(), new("outcome", "excluded"), new("reason", group.Key));
        }
    }

    /// <summary>Records one delivery batch's counts (the names of <see cref="DeliveryCounterNames"/>).</summary>
    public void RecordDelivery(IReadOnlyDictionary<string, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var (name, amount) in counts)
        {
            switch (name)
            {
                case Names.Received: _received.Add(amount); break;
                case Names.Applied: Add(_applied, amount, "dry_run", false); break;
                case Names.DryRunApplied: Add(_applied, amount, "dry_run", true); break;
                case Names.Coalesced: _coalesced.Add(amount); break;
                case Names.Stale: Add(_stale, amount, "kind", "stale"); break;
                case Names.Duplicate: Add(_stale, amount, "kind", "duplicate"); break;
                case Names.UpToDate: _upToDate.Add(amount); break;
                case Names.Retried: _retried.Add(amount); break;
                case Names.Deferred: Add(_deferred, amount, "reason", "rate_limit"); break;
                case Names.Paused: Add(_deferred, amount, "reason", "needs_reauthorization"); break;
                case Names.RequestsSent: _requestsSent.Add(amount); break;
                case Names.RateLimited: _rateLimited.Add(amount); break;
                case Names.Poisoned: Add(_failed, amount, "error_id", FailureLedger.PoisonErrorKey); break;
                case Bulk.ReadRequests: Add(_bulkPathRequests, amount, "kind", "read"); break;
                case Bulk.BulkCalls: Add(_bulkPathRequests, amount, "kind", "bulk"); break;
                case Bulk.BulkPolls: Add(_bulkPathRequests, amount, "kind", "poll"); break;
                case Bulk.BulkApplied: Add(_bulkProspects, amount, "outcome", "applied"); break;
                case Bulk.BulkItemsFailed: Add(_bulkProspects, amount, "outcome", "failed"); break;
                case Bulk.SkippedUnchanged: _skippedUnchanged.Add(amount); break;
                default:
                    if (name.StartsWith(Names.FailedPrefix, StringComparison.Ordinal))
                    {
                        Add(_failed, amount, "error_id", name[Names.FailedPrefix.Length..]);
                    }

                    break;
            }
        }
    }

    /// <summary>Records one audience field written by an applied PATCH (the value is the mapping's status text, not personal data).</summary>
    public void RecordAudienceWrite(string audienceId, string value) =>
        _audienceWrites.Add(1, new KeyValuePair<string, object?>("audience_id", audienceId), new KeyValuePair<string, object?>("value", value));

    /// <summary>Records the requests Outreach says are left in its window.</summary>
    public void RecordBudgetRemaining(int remaining) => _budgetRemaining.Record(remaining);

    /// <summary>Records the age of the oldest update of a batch.</summary>
    public void RecordQueueLag(TimeSpan lag) => _queueLag.Record(Math.Max(0, lag.TotalSeconds));

    /// <summary>Records updates a replay put back on the queue.</summary>
    public void RecordReplayed(int count) => _replayed.Add(count);

    /// <summary>Records the outcome of one call to Outreach's token endpoint for a refresh.</summary>
    public void RecordTokenRefresh(TokenEndpointOutcome result)
    {
        var outcome = result switch
        {
            TokenEndpointOutcome.Success => "succeeded",
            TokenEndpointOutcome.InvalidGrant => "needs_reauthorization",
            TokenEndpointOutcome.MintingLimited => "throttled",
            TokenEndpointOutcome.ClientRejected => "client_rejected",
            _ => "failed",
        };
        _tokenRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (result is TokenEndpointOutcome.InvalidGrant)
        {
            RecordNeedsReauthorization("refresh_refused");
        }
    }

    /// <summary>Records that the connection needs re-authorization (<paramref name="source"/>: refresh_refused, request_refused).</summary>
    public void RecordNeedsReauthorization(string source)
    {
        _needsReauthorization.Add(1, new KeyValuePair<string, object?>("source", source));
        Activity.Current?.AddEvent(new ActivityEvent(I.NeedsReauthorization));
    }

    private static void Add(Counter<long> counter, long amount, string tag, object value)
    {
        if (amount != 0)
        {
            counter.Add(amount, new KeyValuePair<string, object?>(tag, value));
        }
    }
}

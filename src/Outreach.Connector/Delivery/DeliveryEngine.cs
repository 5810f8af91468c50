using System.Diagnostics;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery;

/// <summary>
/// Delivers a batch of received prospect updates to Outreach and says, per message, what the host should do with it.
/// Transport-agnostic: a Storage-queue drainer and a Service Bus trigger handler both call <see cref="DeliverAsync"/>.
/// </summary>
/// <remarks>
/// Per batch: poison messages whose attempts are exhausted; coalesce the rest into one PATCH per prospect; per
/// prospect drop stale and already-applied fields, take a permit from the shared budget, send, and turn the outcome
/// into dispositions. A 429, a spent budget, refused credentials or the batch time limit stop sending for the rest
/// of the batch, whose messages are deferred or held without burning attempts.
/// Storage failures are infrastructure failures: the affected and remaining messages retry later.
/// </remarks>
public sealed class DeliveryEngine
{
    // A wait shorter than this is rounded up, so a drainer racing others for the next permit does not spin.
    private static readonly TimeSpan MinimumPermitWait = TimeSpan.FromMilliseconds(20);
    private const int MaxWaitsPerPermit = 20;

    private readonly IOutreachProspectClient _outreach;
    private readonly FieldVersionStore _versions;
    private readonly RequestBudget _budget;
    private readonly FailureLedger _ledger;
    private readonly DeliveryCounters _counters;
    private readonly IConnectionState _pause;
    private readonly Backoff _backoff;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryEngine> _logger;
    private readonly ConnectorMetrics? _metrics;
    private readonly DeliveryActivityStore? _activity;

    /// <summary>Creates the engine of one Outreach connection.</summary>
    public DeliveryEngine(
        IOutreachProspectClient outreach,
        FieldVersionStore versions,
        RequestBudget budget,
        FailureLedger ledger,
        DeliveryCounters counters,
        IConnectionState pause,
        Backoff backoff,
        IOptions<DeliveryOptions> options,
        TimeProvider time,
        ILogger<DeliveryEngine> logger,
        ConnectorMetrics? metrics = null,
        DeliveryActivityStore? activity = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _outreach = outreach ?? throw new ArgumentNullException(nameof(outreach));
        _versions = versions ?? throw new ArgumentNullException(nameof(versions));
        _budget = budget ?? throw new ArgumentNullException(nameof(budget));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _pause = pause ?? throw new ArgumentNullException(nameof(pause));
        _backoff = backoff ?? throw new ArgumentNullException(nameof(backoff));
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _metrics = metrics;
        _activity = activity;
    }

    /// <summary>Works on a batch and returns one disposition per message, index-aligned with <paramref name="batch"/>.</summary>
    /// <remarks>
    /// Expected outcomes never throw. Cancellation throws, as does a bug; the host then leaves the whole batch to the
    /// transport's redelivery, which is safe because delivering an applied update again changes nothing.
    /// </remarks>
    public async Task<DeliveryBatchResult> DeliverAsync(IReadOnlyList<DeliveryMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Any(m => m is null || m.Update is null || m.DeliveryAttempt < 1))
        {
            throw new ArgumentException("Every message needs an update and a delivery attempt of at least 1.", nameof(batch));
        }

        var run = new BatchRun(batch, _time.GetUtcNow());
        run.Count(Names.Received, batch.Count);
        using var batchActivity = ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.DeliverBatch);
        batchActivity?.SetTag("outreach.batch.messages", batch.Count);
        var oldestUpdateAge = batch.Count == 0 ? TimeSpan.Zero : run.StartedAt - batch.Min(m => m.Update.ReceivedAt);
        _metrics?.RecordQueueLag(oldestUpdateAge);

        var deliverable = new List<DeliveryMessage>(batch.Count);
        foreach (var message in batch)
        {
            if (message.DeliveryAttempt > _options.MaxAttempts)
            {
                // Delivered more often than allowed without a result: its handler kept failing (crash, timeout).
                await RetryOrPoisonAsync(run, message, null, "delivered more often than MaxAttempts without completing", null, cancellationToken);
            }
            else
            {
                deliverable.Add(message);
            }
        }

        var groups = Coalescer.Coalesce(deliverable);
        run.Count(Names.Coalesced, deliverable.Count - groups.Count);
        var purse = new PermitPurse();
        try
        {
            for (var i = 0; i < groups.Count; i++)
            {
                if (run.Stop is null)
                {
                    await DeliverProspectAsync(run, groups[i], purse, groups.Count - i, cancellationToken);
                }
                else
                {
                    ApplyStop(run, groups[i]);
                }
            }
        }
        finally
        {
            await ReturnUnusedPermitsAsync(purse);
        }

        await StoreCountersAsync(run);
        await RecordActivityAsync(run, oldestUpdateAge);
        var result = new DeliveryBatchResult(run.Dispositions(), run.Stop?.Until, _pause.IsPaused);
        DeliveryLog.BatchDelivered(
            _logger, batch.Count, groups.Count, run.Counted(Names.RequestsSent), result.Count(DispositionKind.Complete),
            result.Count(DispositionKind.DeferUntil), result.Count(DispositionKind.RetryLater), result.Count(DispositionKind.Hold),
            result.Count(DispositionKind.Poison));
        return result;
    }

    private async Task DeliverProspectAsync(BatchRun run, CoalescedUpdate group, PermitPurse purse, int prospectsLeft, CancellationToken cancellationToken)
    {
        using var activity = StartProspectActivity(group);
        if (_pause.HoldsNow(out var probeAt))
        {
            run.Stop = new BatchStop(StopKind.Hold, probeAt);
            DeliveryLog.HeldWhilePaused(_logger, run.Undecided, probeAt);
            ApplyStop(run, group);
            return;
        }

        var elapsed = _time.GetUtcNow() - run.StartedAt;
        if (elapsed >= _options.MaxBatchDuration)
        {
            run.Stop = new BatchStop(StopKind.Defer, _time.GetUtcNow());
            DeliveryLog.BatchTimeUp(_logger, elapsed, run.Undecided);
            ApplyStop(run, group);
            return;
        }

        try
        {
            var applied = await _versions.ReadAsync(group.ProspectId, cancellationToken);
            var filtered = StaleFieldFilter.Filter(group.Fields, applied.Fields);
            run.Count(Names.Stale, filtered.Stale);
            run.Count(Names.Duplicate, filtered.Duplicate);
            if (filtered.Stale + filtered.Duplicate > 0)
            {
                DeliveryLog.FieldsDropped(_logger, group.ProspectId, filtered.Stale, filtered.Duplicate, filtered.Fresh.Count);
            }

            if (filtered.Fresh.Count == 0)
            {
                Complete(run, group, CompletionReason.UpToDate);
                run.Count(Names.UpToDate, group.Messages.Count);
                return;
            }

            if (!await TakePermitAsync(run, purse, prospectsLeft, cancellationToken))
            {
                DeliveryLog.BudgetSpent(_logger, run.Stop!.Until, run.Undecided);
                ApplyStop(run, group);
                return;
            }

            var attributes = filtered.Fresh.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Change.Value)).ToList();
            var outcome = await _outreach.PatchProspectAsync(group.ProspectId, attributes, cancellationToken);
            var dryRun = outcome is PatchOutcome.Applied { StatusCode: DryRunProspectClient.NotSentStatusCode };
            run.Count(dryRun ? Names.DryRunApplied : Names.RequestsSent, 1);
            activity?.SetTag("outreach.outcome", outcome.GetType().Name);
            await ObserveRateLimitAsync(outcome.RateLimit, cancellationToken);
            if (outcome.RateLimit.Remaining is { } remaining)
            {
                _metrics?.RecordBudgetRemaining(remaining);

                // Permits already leased are not revoked by the correction above: when Outreach says fewer requests
                // remain than we hold (another integration used them), give up the surplus rather than meet a 429.
                purse.Unused = Math.Min(purse.Unused, Math.Max(0, remaining - _options.SafetyMargin));
            }

            await HandleOutcomeAsync(run, group, applied, filtered, outcome, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // Table storage is failing: stop here rather than meet the same failure (and its retries) for every prospect.
            DeliveryLog.StorageFailed(_logger, ex, group.ProspectId, run.Undecided - group.Messages.Count);
            run.Stop = new BatchStop(StopKind.RetryAfterStorageFailure, _time.GetUtcNow());
            ApplyStop(run, group);
        }
    }

    private async Task HandleOutcomeAsync(
        BatchRun run, CoalescedUpdate group, AppliedFieldVersions appliedBefore, FieldFilterResult filtered, PatchOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case PatchOutcome.Applied:
                if (_pause.IsPaused)
                {
                    _pause.Resume();
                    DeliveryLog.Resumed(_logger);
                }

                await RecordVersionsAsync(group, appliedBefore, filtered, cancellationToken);
                Complete(run, group, CompletionReason.Applied);
                run.Count(Names.Applied, 1);
                foreach (var (_, field) in filtered.Fresh)
                {
                    if (field.Change.AudienceId is { } audienceId)
                    {
                        var written = field.Change.Value.AsString() ?? field.Change.Value.Json;
                        run.Count(Names.AudienceWritten(audienceId, written), 1);
                        run.AudiencesWritten.Add(audienceId);
                        _metrics?.RecordAudienceWrite(audienceId, written);
                    }
                }

                run.Count(Names.MessagesApplied, group.Messages.Count);
                DeliveryLog.Applied(_logger, group.ProspectId, filtered.Fresh.Count, group.Messages.Count);
                break;

            case PatchOutcome.RateLimited limited:
                run.Count(Names.RateLimited, 1);
                var until = await BlockBudgetAsync(limited.RetryAt, cancellationToken);
                run.Stop = new BatchStop(StopKind.Defer, until);
                DeliveryLog.RateLimited(_logger, group.ProspectId, run.Undecided, until);
                ApplyStop(run, group);
                break;

            case PatchOutcome.Transient transient:
                DeliveryLog.TransientFailure(_logger, group.ProspectId, transient.StatusCode, transient.Reason, group.Messages.Count);
                foreach (var message in group.Messages)
                {
                    await RetryOrPoisonAsync(run, message, transient.StatusCode, transient.Reason, transient.RetryAt, cancellationToken);
                }

                break;

            case PatchOutcome.Permanent rejected:
                var sent = Coalescer.ToUpdate(group, filtered.Fresh);
                var entry = await _ledger.RecordRejectionAsync(
                    sent, rejected, group.Messages.Select(m => m.MessageId).ToList(), group.Messages.Max(m => m.DeliveryAttempt), cancellationToken);
                DeliveryLog.Rejected(_logger, group.ProspectId, entry.Explanation, rejected.StatusCode, entry.ErrorId, entry.Key);
                Complete(run, group, CompletionReason.Rejected);
                run.Count(Names.Failed, 1);
                run.Count(Names.FailedWith(entry.Key.Partition), 1);
                run.Count(Names.MessagesFailed, group.Messages.Count);
                break;

            case PatchOutcome.Unauthorized unauthorized:
                var probeAt = _time.GetUtcNow() + _options.UnauthorizedHold;
                _pause.Pause(unauthorized.Reason, probeAt);
                _metrics?.RecordNeedsReauthorization("request_refused");
                run.Stop = new BatchStop(StopKind.Hold, probeAt);
                DeliveryLog.Unauthorized(_logger, unauthorized.Reason, run.Undecided, probeAt);
                ApplyStop(run, group);
                break;

            default:
                throw new InvalidOperationException($"Unknown Outreach outcome {outcome.GetType().Name}.");
        }
    }

    // Takes one permit, from the purse or a new lease; waits briefly when the next permit is near. False (with the
    // batch stopped and deferred to when permits return) when none can be had in time.
    private async Task<bool> TakePermitAsync(BatchRun run, PermitPurse purse, int prospectsLeft, CancellationToken cancellationToken)
    {
        if (purse.Unused > 0)
        {
            purse.Unused--;
            return true;
        }

        for (var waits = 0; ; waits++)
        {
            var grant = await _budget.TryAcquireAsync(Math.Min(_options.MaxPermitsPerLease, prospectsLeft), cancellationToken);
            if (grant.Granted > 0)
            {
                purse.Grant = grant;
                purse.Unused = grant.Granted - 1;
                return true;
            }

            var now = _time.GetUtcNow();
            var wait = grant.NextPermitAt - now;
            if (wait <= _options.MaxWaitForPermit && grant.NextPermitAt < run.StartedAt + _options.MaxBatchDuration && waits < MaxWaitsPerPermit)
            {
                await Task.Delay(wait > MinimumPermitWait ? wait : MinimumPermitWait, _time, cancellationToken);
                continue;
            }

            run.Stop = new BatchStop(StopKind.Defer, grant.NextPermitAt > now ? grant.NextPermitAt : now);
            return false;
        }
    }

    private async Task RecordVersionsAsync(CoalescedUpdate group, AppliedFieldVersions appliedBefore, FieldFilterResult filtered, CancellationToken cancellationToken)
    {
        try
        {
            var versions = filtered.Fresh.ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
            var recorded = await _versions.RecordAppliedAsync(group.ProspectId, versions, appliedBefore, cancellationToken);
            if (recorded.Superseded.Count > 0)
            {
                DeliveryLog.VersionsSuperseded(_logger, group.ProspectId, recorded.Superseded.Count);
            }
        }
        catch (RequestFailedException ex)
        {
            // Outreach has the update, so the messages are done; without the versions a redelivery would resend the
            // same values (harmless), but an older update could also get through until the next recorded version.
            DeliveryLog.VersionsNotRecorded(_logger, ex, group.ProspectId);
        }
    }

    private async Task RetryOrPoisonAsync(
        BatchRun run, DeliveryMessage message, int? statusCode, string reason, DateTimeOffset? retryAtHint, CancellationToken cancellationToken)
    {
        if (message.DeliveryAttempt >= _options.MaxAttempts)
        {
            try
            {
                var entry = await _ledger.RecordPoisonAsync(message.Update, message.MessageId, message.DeliveryAttempt, statusCode, reason, cancellationToken);
                run.Decide(message, new MessageDisposition.Poison(message.MessageId, message.DeliveryAttempt, entry.Key));
                run.Count(Names.Poisoned, 1);
                DeliveryLog.Poisoned(_logger, message.MessageId, message.Update.ProspectId, message.DeliveryAttempt, entry.Key);
                return;
            }
            catch (RequestFailedException ex)
            {
                // Completing it unrecorded would lose it: keep it (one more attempt) until the ledger can take it.
                DeliveryLog.LedgerUnavailable(_logger, ex, message.MessageId);
            }
        }

        RetryLater(run, message, reason, retryAtHint);
    }

    private void RetryLater(BatchRun run, DeliveryMessage message, string reason, DateTimeOffset? retryAtHint)
    {
        var now = _time.GetUtcNow();
        var retryAt = now + _backoff.DelayAfter(message.DeliveryAttempt);
        if (retryAtHint is { } hint && hint > retryAt)
        {
            retryAt = hint;
        }

        run.Decide(message, new MessageDisposition.RetryLater(message.MessageId, message.DeliveryAttempt, retryAt, retryAt - now, reason));
        run.Count(Names.Retried, 1);
    }

    private void ApplyStop(BatchRun run, CoalescedUpdate group)
    {
        var stop = run.Stop ?? throw new InvalidOperationException("The batch was not stopped.");
        foreach (var message in group.Messages)
        {
            // Deferred and held messages were not really attempted: they carry one attempt fewer than this delivery.
            var attemptsUsed = message.DeliveryAttempt - 1;
            switch (stop.Kind)
            {
                case StopKind.Defer:
                    run.Decide(message, new MessageDisposition.DeferUntil(message.MessageId, attemptsUsed, stop.Until));
                    run.Count(Names.Deferred, 1);
                    break;
                case StopKind.Hold:
                    run.Decide(message, new MessageDisposition.Hold(message.MessageId, attemptsUsed, stop.Until));
                    run.Count(Names.Held, 1);
                    break;
                default:
                    // Storage is failing, so the ledger is too: retry without poisoning.
                    RetryLater(run, message, "delivery state storage failed", null);
                    break;
            }
        }
    }

    private static void Complete(BatchRun run, CoalescedUpdate group, CompletionReason reason)
    {
        foreach (var message in group.Messages)
        {
            run.Decide(message, new MessageDisposition.Complete(message.MessageId, message.DeliveryAttempt, reason));
        }
    }

    private async Task ObserveRateLimitAsync(RateLimitSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await _budget.ObserveAsync(snapshot, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The response is what matters for this prospect; the next response corrects the budget again.
            DeliveryLog.BudgetCorrectionFailed(_logger, ex);
        }
    }

    private async Task<DateTimeOffset> BlockBudgetAsync(DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        try
        {
            return await _budget.BlockAsync(retryAt, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // Other drainers will meet the 429 themselves; this batch still defers to Outreach's time.
            DeliveryLog.BudgetCorrectionFailed(_logger, ex);
            var now = _time.GetUtcNow();
            return (retryAt > now ? retryAt : now) + _options.RateLimitPadding;
        }
    }

    private async Task ReturnUnusedPermitsAsync(PermitPurse purse)
    {
        if (purse.Unused == 0)
        {
            return;
        }

        try
        {
            // Not the batch's token: even a cancelled batch should give its permits back.
            await _budget.ReleaseAsync(purse.Unused, purse.Grant, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            DeliveryLog.PermitReturnFailed(_logger, ex, purse.Unused);
        }
    }

    // One span per prospect, a child of the ingest request of the group's last message in batch order, so one trace
    // follows an update from AEP's POST through the queue to the PATCH; the other updates' traces are linked.
    private static Activity? StartProspectActivity(CoalescedUpdate group)
    {
        if (!ConnectorTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var contexts = group.Messages
            .Select(m => ActivityContext.TryParse(m.Update.TraceParent, null, out var context) ? context : default)
            .Where(context => context != default)
            .ToList();
        var parent = contexts.Count > 0 ? contexts[^1] : default;
        var links = contexts.Count > 1 ? contexts.SkipLast(1).Distinct().Select(c => new ActivityLink(c)).ToList() : null;
        var activity = parent == default
            ? ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.DeliverProspect)
            : ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.DeliverProspect, ActivityKind.Internal, parent, links: links);
        activity?.SetTag("outreach.prospect.id", group.ProspectId);
        activity?.SetTag("outreach.prospect.messages", group.Messages.Count);
        return activity;
    }

    private async Task RecordActivityAsync(BatchRun run, TimeSpan oldestUpdateAge)
    {
        if (_activity is null)
        {
            return;
        }

        try
        {
            await _activity.RecordBatchAsync(run.StartedAt, oldestUpdateAge, run.AudiencesWritten, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            // Monitoring state, like the counters: never a reason to redeliver.
            DeliveryLog.CountersFailed(_logger, ex);
        }
    }

    private async Task StoreCountersAsync(BatchRun run)
    {
        _metrics?.RecordDelivery(run.Counts);
        try
        {
            await _counters.IncrementAsync(run.StartedAt, run.Counts, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            // Counters are telemetry: losing one batch's counts must not redeliver its messages.
            DeliveryLog.CountersFailed(_logger, ex);
        }
    }

    private enum StopKind
    {
        Defer,
        Hold,
        RetryAfterStorageFailure,
    }

    private sealed record BatchStop(StopKind Kind, DateTimeOffset Until);

    private sealed class PermitPurse
    {
        public PermitGrant Grant { get; set; }

        public int Unused { get; set; }
    }

    // The state of one DeliverAsync call: the decisions so far, the counts, and whether sending has stopped.
    private sealed class BatchRun(IReadOnlyList<DeliveryMessage> batch, DateTimeOffset startedAt)
    {
        private readonly MessageDisposition?[] _decided = new MessageDisposition?[batch.Count];
        private readonly Dictionary<DeliveryMessage, int> _index = IndexByReference(batch);

        public DateTimeOffset StartedAt { get; } = startedAt;

        public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

        public HashSet<string> AudiencesWritten { get; } = new(StringComparer.OrdinalIgnoreCase);

        public BatchStop? Stop { get; set; }

        public int Undecided => _decided.Count(d => d is null);

        public void Decide(DeliveryMessage message, MessageDisposition disposition) => _decided[_index[message]] = disposition;

        public void Count(string name, long amount)
        {
            if (amount != 0)
            {
                Counts[name] = Counts.GetValueOrDefault(name) + amount;
            }
        }

        public long Counted(string name) => Counts.GetValueOrDefault(name);

        private static Dictionary<DeliveryMessage, int> IndexByReference(IReadOnlyList<DeliveryMessage> batch)
        {
            var index = new Dictionary<DeliveryMessage, int>(batch.Count, ReferenceEqualityComparer.Instance);
            for (var i = 0; i < batch.Count; i++)
            {
                if (!index.TryAdd(batch[i], i))
                {
                    throw new ArgumentException("The same message object appears twice in the batch.", nameof(batch));
                }
            }

            return index;
        }

        public IReadOnlyList<MessageDisposition> Dispositions() =>
            _decided.Select((d, i) => d ?? throw new InvalidOperationException($"Message {i} of the batch got no disposition.")).ToList();
    }
}

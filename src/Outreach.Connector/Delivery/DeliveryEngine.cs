using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Bulk;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery;

/// <summary>
/// Delivers a batch of received prospect updates to Outreach and says, per message, what the host should do with it.
/// Transport-agnostic: every queue transport reaches it through <c>Queueing/Receiving/ReceivedBatchProcessor</c>.
/// </summary>
/// <remarks>
/// Per batch: poison messages whose attempts are exhausted; coalesce the rest into one PATCH per prospect; per
/// prospect drop stale and already-applied fields, take a permit from the shared budget, send, and turn the outcome
/// into fates. A 429, a spent budget, refused credentials or the batch time limit stop sending for the rest
/// of the batch, whose messages are deferred or held without burning attempts.
/// Storage failures are infrastructure failures: the affected and remaining messages retry later. Claims
/// (<see cref="ClaimGate"/>), the bulk pass (<see cref="BulkPass"/>) and retries (<see cref="FailedAttempts"/>) are
/// their own steps; counters and telemetry go to the <see cref="IDeliveryObserver"/>.
/// </remarks>
public sealed class DeliveryEngine(
    IOutreachProspectClient outreach,
    FieldVersionStore versions,
    RequestBudget budget,
    FailureLedger ledger,
    IConnectionState pause,
    Backoff backoff,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryEngine> logger,
    IDeliveryObserver observer,
    BulkPass planner,
    ProspectClaimStore? claims = null)
{
    private readonly IOutreachProspectClient _outreach = outreach ?? throw new ArgumentNullException(nameof(outreach));
    private readonly FieldVersionStore _versions = versions ?? throw new ArgumentNullException(nameof(versions));
    private readonly BulkPass _planner = planner ?? throw new ArgumentNullException(nameof(planner));
    private readonly RequestBudget _budget = budget ?? throw new ArgumentNullException(nameof(budget));
    private readonly FailureLedger _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
    private readonly IConnectionState _pause = pause ?? throw new ArgumentNullException(nameof(pause));
    private readonly DeliveryOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));
    private readonly ILogger<DeliveryEngine> _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    private readonly IDeliveryObserver _observer = observer ?? throw new ArgumentNullException(nameof(observer));
    private readonly FailedAttempts _failed = new(
        ledger, backoff ?? throw new ArgumentNullException(nameof(backoff)), options.Value, time, logger);

    private readonly ProspectClaimStore? _claims = claims;

    /// <summary>Works on a batch and returns one fate per message, index-aligned with <paramref name="batch"/>.</summary>
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
        var oldestUpdateAge = batch.Count == 0 ? TimeSpan.Zero : run.StartedAt - batch.Min(m => m.Update.ReceivedAt);
        using var batchScope = _observer.BatchStarted(batch.Count, oldestUpdateAge);

        var deliverable = new List<DeliveryMessage>(batch.Count);
        foreach (var message in batch)
        {
            if (message.DeliveryAttempt > _options.MaxAttempts)
            {
                // Delivered more often than allowed without a result: its handler kept failing (crash, timeout).
                await _failed.RetryOrPoisonAsync(run, message, null, "delivered more often than MaxAttempts without completing", null, cancellationToken);
            }
            else
            {
                deliverable.Add(message);
            }
        }

        run.Count(Names.FutureEventTimes, Coalescer.CountBeyondSkew(deliverable, _options.MaxEventTimeSkew));
        var groups = Coalescer.Coalesce(deliverable, _options.MaxEventTimeSkew);
        run.Count(Names.Coalesced, deliverable.Count - groups.Count);
        var patched = await WriteAsync(run, groups, cancellationToken);

        await _observer.BatchFinishedAsync(run.StartedAt, oldestUpdateAge, run.Counts, run.AudiencesWritten);
        var result = new DeliveryBatchResult(run.Fates(), run.Stop?.Until, _pause.IsPaused) { ProspectsNotFound = run.NotFound };
        DeliveryLog.BatchDelivered(
            _logger, batch.Count, patched, run.Counted(Names.RequestsSent), result.CountDone(),
            result.Count<MessageFate.Deferred>(), result.Count<MessageFate.RetryLater>(), result.Count<MessageFate.Paused>(),
            result.Count<MessageFate.Poisoned>());
        return result;
    }

    // One writer per prospect across every drainer: held from the version check through the send to the recording,
    // bulk jobs included (the bulk pass runs on the prospects this batch holds). Returns how many prospects were left
    // for one PATCH each.
    private async Task<int> WriteAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        await using var claims = await ClaimGate.OpenAsync(_claims, groups.Select(g => g.ProspectId), cancellationToken);
        groups = await claims.KeepHeldAsync(run, groups, cancellationToken);
        var pass = await PlanAsync(run, groups, cancellationToken);
        groups = pass.ApplyTo(run, groups);
        if (pass.StorageFailed && groups.Count > 0)
        {
            run.Stop = BatchStop.StorageFailed(_time.GetUtcNow());
        }

        await using var purse = _budget.OpenPurse(_logger);
        for (var i = 0; i < groups.Count; i++)
        {
            if (run.Stop is not null)
            {
                ApplyStop(run, groups[i]);
            }
            else if (await claims.KeepsAsync(run, groups[i], cancellationToken))
            {
                await DeliverProspectAsync(run, groups[i], pass.Plans.GetValueOrDefault(groups[i].ProspectId), purse, groups.Count - i, cancellationToken);
            }
        }

        return groups.Count;
    }

    // Plans each prospect once (versions read, stale, duplicate and unchanged fields dropped), reads never-written
    // prospects and writes shared changes in bulk (Delivery/Bulk); the prospects it leaves go one PATCH each below.
    // While paused nothing is planned: the PATCH path holds every message at its first prospect.
    private async Task<BulkPassResult> PlanAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken) =>
        groups.Count == 0 || _pause.HoldsNow(out _) ? BulkPassResult.Empty : await _planner.RunAsync(groups, run.StartedAt, cancellationToken);

    // plan: the prospect's plan from the pass (null only while paused, when nothing was planned).
    private async Task DeliverProspectAsync(
        BatchRun run, CoalescedUpdate group, ProspectPlan? plan, PermitPurse purse, int prospectsLeft, CancellationToken cancellationToken)
    {
        using var activity = _observer.ProspectStarted(group);
        if (_pause.HoldsNow(out var probeAt))
        {
            run.Stop = BatchStop.Pause(probeAt);
            DeliveryLog.NotSentWhilePaused(_logger, run.Undecided, probeAt);
            ApplyStop(run, group);
            return;
        }

        var elapsed = _time.GetUtcNow() - run.StartedAt;
        if (elapsed >= _options.MaxBatchDuration)
        {
            run.Stop = BatchStop.Defer(_time.GetUtcNow());
            DeliveryLog.BatchTimeUp(_logger, elapsed, run.Undecided);
            ApplyStop(run, group);
            return;
        }

        if (plan is null)
        {
            // Not planned: a bulk job of another batch held one of its fields while the pass planned, and has finished
            // since. Not attempted: it comes back at once and is planned then.
            var now = _time.GetUtcNow();
            run.Decide(group, (id, attempts) => new MessageFate.Deferred(id, attempts - 1, now));
            run.Count(Names.Deferred, group.Messages.Count);
            return;
        }

        try
        {
            run.Count(Names.Stale, plan.Stale);
            run.Count(Names.Duplicate, plan.Duplicate);
            if (plan.Stale + plan.Duplicate > 0)
            {
                DeliveryLog.FieldsDropped(_logger, group.ProspectId, plan.Stale, plan.Duplicate, plan.Fresh.Count);
            }

            // Fields Outreach already holds are not sent; their versions are recorded with the sent ones.
            var send = plan.Fresh;
            var applied = plan.Known;

            if (await purse.TakeAsync(prospectsLeft, run.StartedAt + _options.MaxBatchDuration, cancellationToken) is { } resumeAt)
            {
                run.Stop = BatchStop.Defer(resumeAt);
                DeliveryLog.BudgetSpent(_logger, run.Stop!.Until, run.Undecided);
                ApplyStop(run, group);
                return;
            }

            var attributes = send.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Change.Value)).ToList();
            var outcome = await _outreach.PatchProspectAsync(group.ProspectId, attributes, cancellationToken);
            run.Count(outcome is OutreachCallOutcome.Succeeded { DryRun: true } ? Names.DryRunApplied : Names.RequestsSent, 1);
            _observer.PatchAnswered(activity, outcome);
            purse.GiveUpSurplus(outcome.RateLimit);
            await HandleOutcomeAsync(run, group, applied, new PatchedFields(send, plan.RecordedOnWrite()), outcome, purse, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // Table storage is failing: stop here rather than meet the same failure (and its retries) for every prospect.
            DeliveryLog.StorageFailed(_logger, ex, group.ProspectId, run.Undecided - group.Messages.Count);
            run.Stop = BatchStop.StorageFailed(_time.GetUtcNow());
            ApplyStop(run, group);
        }
    }

    private async Task HandleOutcomeAsync(
        BatchRun run, CoalescedUpdate group, AppliedFieldVersions? appliedBefore, PatchedFields fields, OutreachCallOutcome outcome, PermitPurse purse, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case OutreachCallOutcome.Succeeded:
                if (_pause.IsPaused)
                {
                    _pause.Resume();
                    DeliveryLog.Resumed(_logger);
                }

                await RecordVersionsAsync(group, appliedBefore, fields.Recorded, cancellationToken);
                run.Decide(group, (id, attempts) => new MessageFate.Delivered(id, attempts));
                run.Count(Names.Applied, 1);
                foreach (var (_, field) in fields.Sent)
                {
                    if (field.Change.AudienceId is { } audienceId)
                    {
                        var written = field.Change.Value.AsString() ?? field.Change.Value.Json;
                        run.Count(Names.AudienceWritten(audienceId, written), 1);
                        run.AudiencesWritten.Add(audienceId);
                        _observer.AudienceWritten(audienceId, written);
                    }
                }

                run.Count(Names.MessagesApplied, group.Messages.Count);
                DeliveryLog.Applied(_logger, group.ProspectId, fields.Sent.Count, group.Messages.Count);
                break;

            case OutreachCallOutcome.RateLimited limited:
                run.Count(Names.RateLimited, 1);
                var until = await purse.BlockAsync(limited.RetryAt, cancellationToken);
                run.Stop = BatchStop.Defer(until);
                DeliveryLog.RateLimited(_logger, group.ProspectId, run.Undecided, until);
                ApplyStop(run, group);
                break;

            case OutreachCallOutcome.Transient transient:
                DeliveryLog.TransientFailure(_logger, group.ProspectId, transient.StatusCode, transient.Reason, group.Messages.Count);
                foreach (var message in group.Messages)
                {
                    await _failed.RetryOrPoisonAsync(run, message, transient.StatusCode, transient.Reason, transient.RetryAt, cancellationToken);
                }

                break;

            case OutreachCallOutcome.Permanent rejected:
                if (rejected.StatusCode == 404)
                {
                    run.NotFound.Add(group.ProspectId);
                }

                // The fields not sent are held by Outreach all the same: recorded, so an older export cannot follow.
                if (fields.Recorded.Count > fields.Sent.Count)
                {
                    await RecordVersionsAsync(group, appliedBefore, UnchangedFields.Without(fields.Recorded, fields.Sent), cancellationToken);
                }

                var sent = Coalescer.ToUpdate(group, fields.Sent);
                var entry = await _ledger.RecordRejectionAsync(
                    sent, rejected, group.Messages.Select(m => m.MessageId).ToList(), group.Messages.Max(m => m.DeliveryAttempt), cancellationToken);
                DeliveryLog.Rejected(_logger, group.ProspectId, entry.Explanation, rejected.StatusCode, entry.ErrorId, entry.Key);
                run.Decide(group, (id, attempts) => new MessageFate.Rejected(id, attempts));
                run.Count(Names.Failed, 1);
                run.Count(Names.FailedWith(entry.Key.Partition), 1);
                run.Count(Names.MessagesFailed, group.Messages.Count);
                break;

            case OutreachCallOutcome.Unauthorized unauthorized:
                var probeAt = _time.GetUtcNow() + _options.UnauthorizedHold;
                _pause.Pause(unauthorized.Reason, probeAt);
                _observer.NeedsReauthorization();
                run.Stop = BatchStop.Pause(probeAt);
                DeliveryLog.Unauthorized(_logger, unauthorized.Reason, run.Undecided, probeAt);
                ApplyStop(run, group);
                break;

            default:
                throw new InvalidOperationException($"Unknown Outreach outcome {outcome.GetType().Name}.");
        }
    }

    private async Task RecordVersionsAsync(
        CoalescedUpdate group, AppliedFieldVersions? appliedBefore, IReadOnlyDictionary<string, CoalescedField> fields, CancellationToken cancellationToken)
    {
        try
        {
            var versions = fields.ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
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

    // Sent: what the PATCH carried. Recorded on success: those and the fields Outreach already held (not sent).
    private sealed record PatchedFields(IReadOnlyDictionary<string, CoalescedField> Sent, IReadOnlyDictionary<string, CoalescedField> Recorded);

    private void ApplyStop(BatchRun run, CoalescedUpdate group) =>
        run.ApplyStop(group, message => _failed.RetryLater(run, message, "delivery state storage failed", null));
}

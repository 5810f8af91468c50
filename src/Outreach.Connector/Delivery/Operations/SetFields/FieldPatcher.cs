using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// The per-prospect call of delivery: one PATCH with the fields a prospect's <see cref="ProspectPlan"/> still has to
/// send, under a permit of the shared budget, and its answer handed to the <see cref="DeliveryRecorder"/>.
/// </summary>
/// <remarks>
/// A 429, a spent budget, refused credentials, the batch's time limit or a storage failure stop the batch
/// (<see cref="BatchRun.Stop"/>): its remaining messages are deferred, paused or retried later without burning attempts.
/// </remarks>
public sealed class FieldPatcher(
    IOutreachProspectClient outreach,
    PermitTaker permits,
    IConnectionState connection,
    DeliveryRecorder recorder,
    IDeliveryObserver observer,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<FieldPatcher> logger)
{
    private readonly DeliveryOptions _options = options.Value;

    /// <summary>True while delivery holds off Outreach until the next probe of a paused connection.</summary>
    public bool HoldsNow => connection.HoldsNow(out _);

    /// <summary>Opens the batch's purse of permits (returned when disposed).</summary>
    public PermitPurse OpenPurse() => permits.OpenPurse(logger);

    /// <summary>
    /// Sends the group's PATCH from its plan and records the answer; <paramref name="prospectsLeft"/> sizes the permit
    /// lease. A group without a plan (a bulk job of another batch held one of its fields while the batch was planned)
    /// is deferred to now, not attempted.
    /// </summary>
    internal async Task PatchAsync(
        BatchRun run, CoalescedUpdate group, ProspectPlan? plan, PermitPurse purse, int prospectsLeft, CancellationToken cancellationToken)
    {
        using var activity = observer.ProspectStarted(group);
        if (connection.HoldsNow(out var probeAt))
        {
            run.Stop = BatchStop.Pause(probeAt);
            DeliveryLog.NotSentWhilePaused(logger, run.Undecided, probeAt);
            recorder.ApplyStop(run, group);
            return;
        }

        var now = time.GetUtcNow();
        if (now >= run.Deadline)
        {
            var elapsed = now - run.StartedAt;
            run.Stop = BatchStop.Defer(now);
            DeliveryLog.BatchTimeUp(logger, elapsed, run.Undecided);
            recorder.ApplyStop(run, group);
            return;
        }

        if (plan is null)
        {
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
                DeliveryLog.FieldsDropped(logger, group.ProspectId, plan.Stale, plan.Duplicate, plan.Fresh.Count);
            }

            if (await purse.TakeAsync(prospectsLeft, run.Deadline, cancellationToken) is { } resumeAt)
            {
                run.Stop = BatchStop.Defer(resumeAt);
                DeliveryLog.BudgetSpent(logger, resumeAt, run.Undecided);
                recorder.ApplyStop(run, group);
                return;
            }

            // Fields Outreach already holds are not sent; their versions are recorded with the sent ones.
            var attributes = plan.Fresh.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Change.Value)).ToList();
            var outcome = await outreach.PatchProspectAsync(group.ProspectId, attributes, cancellationToken);
            run.Count(outcome is OutreachCallOutcome.Succeeded { DryRun: true } ? Names.DryRunApplied : Names.RequestsSent, 1);
            observer.PatchAnswered(activity, outcome);
            purse.GiveUpSurplus(outcome.RateLimit);
            await RecordAsync(run, group, plan, outcome, purse, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // Table storage is failing: stop here rather than meet the same failure (and its retries) for every prospect.
            DeliveryLog.StorageFailed(logger, ex, group.ProspectId, run.Undecided - group.Messages.Count);
            run.Stop = BatchStop.StorageFailed(time.GetUtcNow());
            recorder.ApplyStop(run, group);
        }
    }

    private async Task RecordAsync(
        BatchRun run, CoalescedUpdate group, ProspectPlan plan, OutreachCallOutcome outcome, PermitPurse purse, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case OutreachCallOutcome.Succeeded:
                if (connection.IsPaused)
                {
                    connection.Resume();
                    DeliveryLog.Resumed(logger);
                }

                await recorder.WrittenAsync(run, group, plan.Known, plan.Fresh, plan.RecordedOnWrite(), cancellationToken);
                break;

            case OutreachCallOutcome.RateLimited limited:
                run.Count(Names.RateLimited, 1);
                var until = await purse.BlockAsync(limited.RetryAt, cancellationToken);
                run.Stop = BatchStop.Defer(until);
                DeliveryLog.RateLimited(logger, group.ProspectId, run.Undecided, until);
                recorder.ApplyStop(run, group);
                break;

            case OutreachCallOutcome.Transient transient:
                DeliveryLog.TransientFailure(logger, group.ProspectId, transient.StatusCode, transient.Reason, group.Messages.Count);
                foreach (var message in group.Messages)
                {
                    await recorder.RetryOrPoisonAsync(run, message, transient.StatusCode, transient.Reason, transient.RetryAt, cancellationToken);
                }

                break;

            case OutreachCallOutcome.Permanent rejected:
                await recorder.RejectedAsync(run, group, plan.Known, plan.Fresh, plan.RecordedOnWrite(), rejected, cancellationToken);
                break;

            case OutreachCallOutcome.Unauthorized unauthorized:
                var probeAt = time.GetUtcNow() + _options.UnauthorizedHold;
                connection.Pause(unauthorized.Reason, probeAt);
                observer.NeedsReauthorization();
                run.Stop = BatchStop.Pause(probeAt);
                DeliveryLog.Unauthorized(logger, unauthorized.Reason, run.Undecided, probeAt);
                recorder.ApplyStop(run, group);
                break;

            default:
                throw new InvalidOperationException($"Unknown Outreach outcome {outcome.GetType().Name}.");
        }
    }
}

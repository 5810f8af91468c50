using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Bulk;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Patching;
using Outreach.Connector.Delivery.Telemetry;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery;

/// <summary>
/// Delivers a batch of received prospect updates to Outreach and says, per message, what became of it
/// (<see cref="MessageFate"/>). Transport-agnostic: every queue transport reaches it through
/// <c>Queueing/Receiving/ReceivedBatchProcessor</c>.
/// </summary>
/// <remarks>
/// One batch is three steps. <b>Plan</b>: poison messages whose attempts are exhausted, coalesce the rest into one
/// update per prospect, claim the prospects, and plan each once (<see cref="BulkPass"/>: versions read, stale,
/// duplicate and unchanged fields dropped, a <see cref="ProspectPlan"/> each). <b>Call</b>: changes many prospects share
/// go as one bulk action per chunk (<see cref="SharedChangeWriter"/>, inside the pass), every other prospect as one
/// PATCH (<see cref="FieldPatcher"/>), all under the shared request budget. <b>Record</b>: versions, the failure ledger,
/// counters and each message's fate (<see cref="DeliveryRecorder"/>). A 429, a spent budget, refused credentials, the
/// batch time limit or a storage failure stop sending for the rest of the batch, whose messages wait without burning
/// attempts; counters and telemetry go to the <see cref="IDeliveryObserver"/>.
/// </remarks>
public sealed class DeliveryEngine(
    BulkPass planner,
    FieldPatcher patcher,
    DeliveryRecorder recorder,
    IDeliveryObserver observer,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryEngine> logger,
    ProspectClaimStore? claims = null)
{
    private readonly DeliveryOptions _options = options.Value;

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

        var run = new BatchRun(batch, time.GetUtcNow());
        run.Count(Names.Received, batch.Count);
        var oldestUpdateAge = batch.Count == 0 ? TimeSpan.Zero : run.StartedAt - batch.Min(m => m.Update.ReceivedAt);
        using var batchScope = observer.BatchStarted(batch.Count, oldestUpdateAge);

        var deliverable = new List<DeliveryMessage>(batch.Count);
        foreach (var message in batch)
        {
            if (message.DeliveryAttempt > _options.MaxAttempts)
            {
                // Delivered more often than allowed without a result: its handler kept failing (crash, timeout).
                await recorder.RetryOrPoisonAsync(run, message, null, "delivered more often than MaxAttempts without completing", null, cancellationToken);
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

        await observer.BatchFinishedAsync(run.StartedAt, oldestUpdateAge, run.Counts, run.AudiencesWritten);
        var result = new DeliveryBatchResult(run.Fates(), run.Stop?.Until, patcher.IsPaused) { ProspectsNotFound = run.NotFound };
        DeliveryLog.BatchDelivered(
            logger, batch.Count, patched, run.Counted(Names.RequestsSent), result.CountDone(),
            result.Count<MessageFate.Deferred>(), result.Count<MessageFate.RetryLater>(), result.Count<MessageFate.Paused>(),
            result.Count<MessageFate.Poisoned>());
        return result;
    }

    // One writer per prospect across every drainer: the batch's claims are held from the plan through the calls to the
    // recording, bulk jobs included. Returns how many prospects were left for one PATCH each.
    private async Task<int> WriteAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        await using var claimed = await ClaimGate.OpenAsync(claims, groups.Select(g => g.ProspectId), cancellationToken);
        groups = await claimed.KeepHeldAsync(run, groups, cancellationToken);

        // Plan (and write shared changes in bulk). While paused nothing is planned: the first PATCH below holds them all.
        var pass = groups.Count == 0 || patcher.HoldsNow ? BulkPassResult.Empty : await planner.RunAsync(groups, run.StartedAt, cancellationToken);
        groups = pass.ApplyTo(run, groups);
        if (pass.StorageFailed && groups.Count > 0)
        {
            run.Stop = BatchStop.StorageFailed(time.GetUtcNow());
        }

        // Call: one PATCH per prospect left, each recorded as it is answered.
        await using var purse = patcher.OpenPurse();
        for (var i = 0; i < groups.Count; i++)
        {
            if (run.Stop is not null)
            {
                recorder.ApplyStop(run, groups[i]);
            }
            else if (await claimed.KeepsAsync(run, groups[i], cancellationToken))
            {
                await patcher.PatchAsync(run, groups[i], pass.Plans.GetValueOrDefault(groups[i].ProspectId), purse, groups.Count - i, cancellationToken);
            }
        }

        return groups.Count;
    }
}

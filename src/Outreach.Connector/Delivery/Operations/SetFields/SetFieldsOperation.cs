using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;
using Outreach.Connector.Delivery.Outcomes;
using Names = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// The operation "set these fields on prospect N" (the audiences' <c>customN</c> statuses and mapped attributes), in
/// delivery's three steps: <b>plan</b> each prospect once (<see cref="FieldPlanner"/>); <b>call</b> Outreach with one
/// <c>prospectsBulkModify</c> per chunk of prospects that need the same change (<see cref="SharedChangeWriter"/>), one
/// verified <c>bulkUpsert</c> import per group of prospects whose changes differ (<see cref="RecordImportWriter"/>) and
/// one PATCH for each prospect left (<see cref="FieldPatcher"/>); <b>record</b> versions, counts and fates
/// (<see cref="DeliveryRecorder"/>).
/// </summary>
/// <remarks>
/// Storage failures while planning or writing in bulk stop the batch: the prospects not finished retry later. A prospect
/// with a field a bulk job is still writing waits for the job (deferred to its next poll), whatever happened before.
/// </remarks>
internal sealed partial class SetFieldsOperation(
    FieldPlanner planner,
    SharedChangeWriter writer,
    RecordImportWriter imports,
    FieldPatcher patcher,
    DeliveryRecorder recorder,
    PermitTaker permits,
    TimeProvider time,
    ILogger<SetFieldsOperation> logger) : IDeliveryOperation
{

    /// <inheritdoc />
    public async Task DeliverAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        // Prospects still to be created are not this operation's (CreateProspects writes their fields with them).
        groups = [.. groups.Where(g => g.ProspectId != 0)];
        // While paused nothing is planned: the first PATCH below holds every message until the next probe.
        var plans = groups.Count == 0 || patcher.HoldsNow
            ? new Dictionary<long, ProspectPlan>()
            : await PlanAndWriteSharedAsync(run, groups, cancellationToken);

        // Call, for each prospect left: its own PATCH, recorded as it is answered.
        await using var purse = patcher.OpenPurse();
        var left = groups.Where(g => run.FateOf(g.Messages[0]) is null).ToList();
        for (var i = 0; i < left.Count; i++)
        {
            if (run.Stop is not null)
            {
                recorder.ApplyStop(run, left[i]);
            }
            else if (await run.Claims.KeepsAsync(run, left[i], cancellationToken))
            {
                await patcher.PatchAsync(run, left[i], plans.GetValueOrDefault(left[i].ProspectId), purse, left.Count - i, cancellationToken);
            }
        }
    }

    // Plan, then the shared changes in bulk; returns the plans of the prospects left for their own PATCH.
    private async Task<Dictionary<long, ProspectPlan>> PlanAndWriteSharedAsync(BatchRun batch, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        var run = new SetFieldsRun(batch, writer.MaxBulkWait, time.GetUtcNow(), permits, writer.Cost, recorder);
        try
        {
            // Jobs of earlier batches first: what they finish is recorded before this batch's versions are read.
            await writer.FinishEarlierJobsAsync(run, groups, cancellationToken);
            await imports.FollowStalledAsync(run, groups, cancellationToken);
            // Too few prospects for an import to save requests: not even asked (a lone profile goes by PATCH).
            var use = run.MaySend && imports.IsWorthwhile(groups.Count) ? await imports.DecideAsync(cancellationToken) : ImportUse.Off;

            // With imports confirmed, reading never-written prospects first costs more requests than it saves: an import
            // carries a prospect's equal values at no extra cost, and its read-back tells what Outreach holds.
            run.ReadBeforeWrite = use != ImportUse.Full;
            var plans = await planner.PlanAsync(run, groups, cancellationToken);
            if (use == ImportUse.Trial && run.MaySend)
            {
                // The trial goes first, on any prospects: whether their changes are shared or not, it proves imports work.
                await imports.WriteAsync(run, plans, use, cancellationToken);
                plans = [.. plans.Where(p => !run.Completed.Contains(p.Group))];
            }

            // With imports confirmed, shared changes go in them too: one import carries any mix of values, where each
            // shared change would cost its own bulk action and polls.
            if (run.MaySend && use != ImportUse.Full && await writer.IsEnabledAsync(cancellationToken))
            {
                var shared = writer.Group(run, plans);

                // A bulk job outlives this batch's claims, so what its prospects hold already is recorded before it is
                // sent: an older export arriving while the job runs is then refused as stale, not written.
                await planner.RecordUnchangedAsync(run, [.. shared.Chunks.SelectMany(c => c.Items)], cancellationToken);
                await writer.WriteAsync(run, shared, cancellationToken);
            }

            if (use == ImportUse.Full && run.MaySend)
            {
                await imports.WriteAsync(run, plans, use, cancellationToken);
            }
        }
        catch (RequestFailedException ex)
        {
            // What the run knows of the store may be out of date: no plan is handed on, and the rest retries later.
            LogStorageFailed(logger, ex);
            batch.Stop = BatchStop.StorageFailed(time.GetUtcNow());
            run.Plans.Clear();
        }

        // Whatever happened above, no prospect with a field in flight (a bulk job, or an import given up earlier) may be
        // written now.
        var now = time.GetUtcNow();
        foreach (var group in groups.Where(g => !run.Completed.Contains(g)))
        {
            var blockedUntil = writer.Blocking(group) is { } job ? writer.RetryAfter(job, now) : imports.BlockedUntil(batch, group, now);
            if (blockedUntil is { } until)
            {
                batch.Decide(group, (id, attempts) => new MessageFate.Deferred(id, attempts - 1, until));
                batch.Count(Counters.DeliveryCounterNames.Deferred, group.Messages.Count);
                batch.Count(Names.InFlightDeferred, 1);
            }
        }

        return run.Plans.Values.Where(p => !run.Completed.Contains(p.Group)).ToDictionary(p => p.Group.ProspectId);
    }

    [LoggerMessage(EventId = 3117, Level = LogLevel.Warning, Message = "Delivery state storage failed while planning or writing in bulk; the prospects not finished retry later")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);
}

using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;
using Names = Outreach.Connector.Delivery.Bulk.BulkCounterNames;
using ReadValues = System.Collections.Generic.IReadOnlyDictionary<long, System.Collections.Generic.IReadOnlyDictionary<string, Outreach.Connector.Updates.FieldValue>>;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>
/// Plans every prospect of a coalesced batch once and brings as many into sync as it can with few requests: reads each
/// prospect's versions and drops stale and duplicate fields, drops values Outreach already holds, reads never-written
/// prospects in bulk, and writes changes shared by many prospects with one bulk action per chunk.
/// </summary>
/// <remarks>
/// <para>
/// The pass only ever records versions in the <see cref="FieldVersionStore"/> and completes prospects with nothing left
/// to send; the PATCH path that follows sends whatever is left (small groups, failed bulk items, prospects whose read
/// failed) one PATCH each, from the prospect's <see cref="ProspectPlan"/>: the versions the pass read and the fields
/// Outreach already holds that it did not record (they are recorded with the PATCH's write), so a prospect costs one
/// version read and one version write. A pass that met a storage failure plans nothing more, and the engine retries the
/// prospects it did not finish later.
/// </para>
/// <para>The bulk call itself (chunks, jobs, polls, order while a job runs) is <see cref="SharedChangeWriter"/>'s.</para>
/// </remarks>
public sealed partial class BulkPass(
    IBulkOutreachClient outreach,
    FieldVersionStore versions,
    PermitTaker permits,
    SharedChangeWriter writer,
    IOptions<BulkWriteOptions> bulkOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time,
    ILogger<BulkPass> logger)
{
    private readonly BulkWriteOptions _options = bulkOptions.Value;
    private readonly DeliveryOptions _delivery = deliveryOptions.Value;

    /// <summary>Works on the coalesced groups of a batch that started at <paramref name="batchStartedAt"/>.</summary>
    /// <remarks>Storage failures end the pass early (logged, <see cref="BulkPassResult.StorageFailed"/>).</remarks>
    public async Task<BulkPassResult> RunAsync(IReadOnlyList<CoalescedUpdate> groups, DateTimeOffset batchStartedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var bulkEnabled = await writer.IsEnabledAsync(cancellationToken);
        var run = new BulkPassRun(batchStartedAt + _delivery.MaxBatchDuration, _options.MaxBulkWait, time.GetUtcNow(), permits, writer.Cost);
        try
        {
            await writer.FinishEarlierJobsAsync(run, groups, cancellationToken);
            var entries = await ReadVersionsAsync(run, groups, cancellationToken);
            if (_options.ReadBeforeWrite)
            {
                await ReadBeforeFirstWriteAsync(run, entries, cancellationToken);
            }

            run.Count(Names.SkippedUnchanged, entries.Sum(e => e.Unchanged.Count));
            await RecordUnchangedAsync(run, [.. entries.Where(e => e.Fresh.Count == 0)], cancellationToken);
            if (bulkEnabled && run.MaySend)
            {
                var shared = writer.Group(run, entries);

                // A bulk job outlives this batch's claims, so what its prospects hold already is recorded before it is
                // sent: an older export arriving while the job runs is then refused as stale, not written.
                await RecordUnchangedAsync(run, [.. shared.Chunks.SelectMany(c => c.Items)], cancellationToken);
                await writer.WriteAsync(run, shared, cancellationToken);
            }
        }
        catch (RequestFailedException ex)
        {
            LogStorageFailed(logger, ex);
            run.StorageFailed = true;
        }

        // Whatever happened above, no prospect with a field in flight may reach the PATCH path.
        var deferred = new List<(CoalescedUpdate, DateTimeOffset)>();
        var now = time.GetUtcNow();
        foreach (var group in groups)
        {
            if (!run.Completed.ContainsKey(group) && writer.Blocking(group) is { } job)
            {
                deferred.Add((group, writer.RetryAfter(job, now)));
                run.Count(Names.InFlightDeferred, 1);
            }
        }

        return new BulkPassResult(deferred, [.. run.Completed.Select(pair => (pair.Key, pair.Value))], run.Counts, run.AudiencesWritten, run.Plans())
        {
            StorageFailed = run.StorageFailed,
        };
    }

    // Per prospect: what is still to send after stale, duplicate and (unless resending) unchanged fields are dropped.
    // A prospect with nothing left is complete without a request. Reads run a few at a time (one point read each).
    private async Task<List<ProspectPlan>> ReadVersionsAsync(BulkPassRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        var open = groups.Where(g => writer.Blocking(g) is null).ToList();
        var applied = new AppliedFieldVersions[open.Count];
        await Parallel.ForAsync(0, open.Count, BulkPassRun.Concurrently(cancellationToken), async (i, ct) =>
            applied[i] = await versions.ReadAsync(open[i].ProspectId, ct));

        var entries = new List<ProspectPlan>(open.Count);
        for (var i = 0; i < open.Count; i++)
        {
            var filtered = StaleFieldFilter.Filter(open[i].Fields, applied[i].Fields);
            var entry = new ProspectPlan(open[i], applied[i], filtered.Fresh) { Stale = filtered.Stale, Duplicate = filtered.Duplicate };
            if (!_options.ResendUnchanged)
            {
                entry.AddUnchanged(UnchangedFields.AlreadyApplied(filtered.Fresh, applied[i].Fields));
            }

            if (entry.Fresh.Count == 0 && entry.Unchanged.Count == 0)
            {
                // What the PATCH path would count for a prospect it completes as up to date.
                run.Count(DeliveryCounterNames.Stale, filtered.Stale);
                run.Count(DeliveryCounterNames.Duplicate, filtered.Duplicate);
                run.Completed[open[i]] = false;
                continue;
            }

            entries.Add(entry);
            run.Entries[entry.Group.ProspectId] = entry;
        }

        return entries;
    }

    // Prospects never written: one collection GET per chunk of ids, and fields already equal in Outreach are held.
    private async Task ReadBeforeFirstWriteAsync(BulkPassRun run, List<ProspectPlan> entries, CancellationToken cancellationToken)
    {
        var neverWritten = entries.Where(e => e.NeverWritten && e.Fresh.Count > 0).ToList();
        foreach (var chunk in neverWritten.Chunk(Math.Max(1, outreach.MaxIdsPerRead)))
        {
            if (!run.MaySend || !await run.TakeAsync(1, cancellationToken))
            {
                return;
            }

            var fields = chunk.SelectMany(e => e.Fresh.Keys).Distinct(StringComparer.Ordinal).ToList();
            var outcome = await outreach.ReadProspectsAsync(chunk.Select(e => e.Group.ProspectId).ToList(), fields, cancellationToken);
            run.Count(Names.ReadRequests, 1);
            run.Count(Names.Requests, 1);
            run.Observe(outcome);
            if (outcome is not OutreachCallOutcome.Succeeded<ReadValues> read)
            {
                // Without the current values the PATCH path sends everything, as before read-before-write existed.
                LogReadFailed(logger, chunk.Length, outcome.GetType().Name);
                await run.StopOnRateLimitAsync(outcome, cancellationToken);
                return;
            }

            run.Count(Names.ProspectsRead, read.Value.Count);
            foreach (var entry in chunk)
            {
                if (read.Value.TryGetValue(entry.Group.ProspectId, out var held))
                {
                    entry.AddUnchanged(UnchangedFields.SameInOutreach(entry.Fresh, held));
                }
            }
        }
    }

    // One version write per prospect for the fields Outreach already holds; they then count as applied, and a
    // prospect with nothing else to send is complete. Prospects left for the PATCH path are not written here: their
    // unchanged fields travel in their plans (BulkPassResult.Plans) and are recorded with the PATCH's own write.
    private async Task RecordUnchangedAsync(BulkPassRun run, List<ProspectPlan> entries, CancellationToken cancellationToken)
    {
        var holding = entries.Where(e => e.Unchanged.Count > 0 && !e.UnchangedRecorded).ToList();
        await Parallel.ForEachAsync(holding, BulkPassRun.Concurrently(cancellationToken), async (entry, ct) =>
        {
            var held = entry.Unchanged.ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
            entry.Known = (await versions.RecordAppliedAsync(entry.Group.ProspectId, held, entry.Known, ct)).After;
            entry.UnchangedRecorded = true;
        });

        foreach (var entry in entries.Where(e => e.Fresh.Count == 0))
        {
            run.Count(DeliveryCounterNames.Stale, entry.Stale);
            run.Count(DeliveryCounterNames.Duplicate, entry.Duplicate);
            run.Completed[entry.Group] = false;
        }
    }

    // The prospects whose remaining change is shared by enough others, in chunks of one bulk action each.

    [LoggerMessage(EventId = 3115, Level = LogLevel.Warning, Message = "Reading {Prospects} prospects before their first write failed ({Outcome}); their fields are sent without comparing")]
    private static partial void LogReadFailed(ILogger logger, int prospects, string outcome);

    [LoggerMessage(EventId = 3117, Level = LogLevel.Warning, Message = "Delivery state storage failed during the bulk pass; the rest of the batch goes the PATCH path")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);
}

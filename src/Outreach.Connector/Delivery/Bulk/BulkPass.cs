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
/// <para>
/// Order: a bulk job's (prospect, field) pairs are registered in <see cref="InFlightBulkWrites"/> from the moment
/// Outreach accepts it until it has finished; a prospect with such a field is deferred, not written, and its newer value
/// goes after the job. Versions are recorded only for items Outreach reports done, and only ever move forward.
/// </para>
/// <para>Safety: ids always travel in the bulk action's query string, and an empty id list is refused before sending (see the bulk client).</para>
/// </remarks>
public sealed partial class BulkPass(
    IBulkOutreachClient outreach,
    FieldVersionStore versions,
    RequestBudget budget,
    PermitTaker permits,
    InFlightBulkWrites inFlight,
    BulkCallCost cost,
    BulkWriteAvailability availability,
    IOptions<BulkWriteOptions> bulkOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time,
    ILogger<BulkPass> logger)
{
    // A job whose status cannot be learnt for this long is given up: its prospects are written again (one PATCH each
    // or a new bulk action), which is safe because the values are the same.
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromMinutes(15);

    // Table storage round trips of one pass that run at once (version reads and writes of different prospects).
    private const int StorageConcurrency = 8;

    private readonly BulkWriteOptions _options = bulkOptions.Value;
    private readonly DeliveryOptions _delivery = deliveryOptions.Value;

    /// <summary>Works on the coalesced groups of a batch that started at <paramref name="batchStartedAt"/>.</summary>
    /// <remarks>Storage failures end the pass early (logged, <see cref="BulkPassResult.StorageFailed"/>).</remarks>
    public async Task<BulkPassResult> RunAsync(IReadOnlyList<CoalescedUpdate> groups, DateTimeOffset batchStartedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var bulkEnabled = await availability.IsEnabledAsync(cancellationToken);
        var run = new BulkPassRun(batchStartedAt + _delivery.MaxBatchDuration, _options.MaxBulkWait, time.GetUtcNow());
        try
        {
            await FinishEarlierJobsAsync(run, groups, cancellationToken);
            var entries = await ReadVersionsAsync(run, groups, cancellationToken);
            if (_options.ReadBeforeWrite)
            {
                await ReadBeforeFirstWriteAsync(run, entries, cancellationToken);
            }

            run.Count(Names.SkippedUnchanged, entries.Sum(e => e.Unchanged.Count));
            await RecordUnchangedAsync(run, [.. entries.Where(e => e.Fresh.Count == 0)], cancellationToken);
            if (bulkEnabled && run.MaySend)
            {
                var plan = PlanBulkWrites(entries);

                // A bulk job outlives this batch's claims, so what its prospects hold already is recorded before it is
                // sent: an older export arriving while the job runs is then refused as stale, not written.
                await RecordUnchangedAsync(run, [.. plan.Chunks.SelectMany(c => c.Items)], cancellationToken);
                var jobs = await SubmitAsync(run, plan, cancellationToken);
                await PollUntilFinishedAsync(run, jobs, cancellationToken);
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
            if (!run.Completed.ContainsKey(group) && inFlight.Blocking(group.ProspectId, group.Fields.Keys) is { } job)
            {
                var until = job.NextPollAt > now ? job.NextPollAt : now + _options.BulkPollInterval;
                deferred.Add((group, until));
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
        var open = groups.Where(g => inFlight.Blocking(g.ProspectId, g.Fields.Keys) is null).ToList();
        var applied = new AppliedFieldVersions[open.Count];
        await Parallel.ForAsync(0, open.Count, Concurrently(cancellationToken), async (i, ct) =>
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

    private static ParallelOptions Concurrently(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = StorageConcurrency, CancellationToken = cancellationToken };

    // Prospects never written: one collection GET per chunk of ids, and fields already equal in Outreach are held.
    private async Task ReadBeforeFirstWriteAsync(BulkPassRun run, List<ProspectPlan> entries, CancellationToken cancellationToken)
    {
        var neverWritten = entries.Where(e => e.NeverWritten && e.Fresh.Count > 0).ToList();
        foreach (var chunk in neverWritten.Chunk(Math.Max(1, outreach.MaxIdsPerRead)))
        {
            if (!run.MaySend || !await TakeAsync(run, 1, cancellationToken))
            {
                return;
            }

            var fields = chunk.SelectMany(e => e.Fresh.Keys).Distinct(StringComparer.Ordinal).ToList();
            var outcome = await outreach.ReadProspectsAsync(chunk.Select(e => e.Group.ProspectId).ToList(), fields, cancellationToken);
            run.Count(Names.ReadRequests, 1);
            run.Count(Names.Requests, 1);
            Observe(outcome);
            if (outcome is not OutreachCallOutcome.Succeeded<ReadValues> read)
            {
                // Without the current values the PATCH path sends everything, as before read-before-write existed.
                LogReadFailed(logger, chunk.Length, outcome.GetType().Name);
                await StopOnRateLimitAsync(run, outcome, cancellationToken);
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
        await Parallel.ForEachAsync(holding, Concurrently(cancellationToken), async (entry, ct) =>
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
    private BulkPlan<ProspectPlan> PlanBulkWrites(List<ProspectPlan> entries) => ChangeGrouping.Plan(
        entries.Where(e => e.Fresh.Count == 1 || (e.Fresh.Count > 1 && outreach.CarriesSeveralFields)),
        e => e.Group.ProspectId,
        e => e.Fresh.ToDictionary(pair => pair.Key, pair => pair.Value.Change.Value, StringComparer.Ordinal),
        cost.MaxIdsPerCall(Math.Max(1, outreach.MaxIdsPerBulkCall), permits.Cap),
        _options.MinProspectsPerBulkCall);

    private async Task<List<(InFlightBulkJob Job, int Ids)>> SubmitAsync(BulkPassRun run, BulkPlan<ProspectPlan> plan, CancellationToken cancellationToken)
    {
        var jobs = new List<(InFlightBulkJob, int)>();
        foreach (var chunk in plan.Chunks)
        {
            var ids = chunk.Items.Select(e => e.Group.ProspectId).ToList();
            if (!run.MaySend || !await TakeAsync(run, cost.PermitsFor(ids.Count), cancellationToken))
            {
                break;
            }

            var remainingBefore = cost.RemainingBeforeCall();
            var outcome = await outreach.SubmitAsync(ids, chunk.Change, cancellationToken);
            run.Count(Names.Requests, 1);
            Observe(outcome);
            if (outcome is OutreachCallOutcome.Succeeded<string> accepted)
            {
                cost.ObserveBulkCall(remainingBefore, outcome.RateLimit, ids.Count);
                var now = time.GetUtcNow();
                var job = new InFlightBulkJob(
                    accepted.Value,
                    chunk.Change,
                    chunk.Items.ToDictionary(e => e.Group.ProspectId, e => e.FreshVersions()),
                    now) { NextPollAt = now + _options.BulkPollInterval };
                inFlight.Start(job);
                jobs.Add((job, ids.Count));
                run.WaitFrom(now);
                run.Count(Names.BulkCalls, 1);
                run.Count(Names.BulkProspects, ids.Count);
                LogSubmitted(logger, accepted.Value, ids.Count, chunk.Change.Count);
                continue;
            }

            if (outcome is OutreachCallOutcome.NotSent notSent)
            {
                // The client's own checks refused (a change its body shape cannot carry): these go one PATCH each.
                LogSubmitFailed(logger, ids.Count, notSent.Reason);
                continue;
            }

            if (outcome is OutreachCallOutcome.Permanent refused)
            {
                availability.Refused(refused.StatusCode, refused.Reason, refused.IsMissingScope);
                if (!await availability.IsEnabledAsync(cancellationToken))
                {
                    break;
                }

                continue;
            }

            // 429, 401 or a passing failure: these prospects go the PATCH path, which handles each of those.
            LogSubmitFailed(logger, ids.Count, outcome.GetType().Name);
            await StopOnRateLimitAsync(run, outcome, cancellationToken);
            break;
        }

        return jobs;
    }

    private async Task PollUntilFinishedAsync(BulkPassRun run, List<(InFlightBulkJob Job, int Ids)> jobs, CancellationToken cancellationToken)
    {
        var waiting = jobs.Select(j => j.Job).ToList();
        while (waiting.Count > 0 && run.MaySend)
        {
            var next = waiting.Min(j => j.NextPollAt);
            if (next > run.Deadline)
            {
                return;
            }

            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            foreach (var job in waiting.Where(j => j.NextPollAt <= time.GetUtcNow()).ToList())
            {
                if (!await PollAsync(run, job, cancellationToken))
                {
                    if (!run.MaySend)
                    {
                        return;
                    }

                    continue;
                }

                waiting.Remove(job);
            }
        }
    }

    // Jobs of earlier batches that did not finish in time: poll those due, and those holding up a prospect of this
    // batch, so their prospects can move on.
    private async Task FinishEarlierJobsAsync(BulkPassRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        var blocking = groups.Select(g => inFlight.Blocking(g.ProspectId, g.Fields.Keys)).OfType<InFlightBulkJob>();
        foreach (var job in inFlight.DueForPoll(time.GetUtcNow()).Concat(blocking).Distinct())
        {
            if (!run.MaySend)
            {
                return;
            }

            await PollAsync(run, job, cancellationToken);
        }
    }

    // Polls one job; true when it has finished (versions recorded for its items that succeeded) or was given up.
    private async Task<bool> PollAsync(BulkPassRun run, InFlightBulkJob job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - job.SubmittedAt > AbandonAfter)
        {
            LogAbandoned(logger, job.BatchId, job.Versions.Count);
            inFlight.Finish(job);
            return true;
        }

        if (!await TakeAsync(run, 1, cancellationToken))
        {
            return false;
        }

        var outcome = await outreach.PollAsync(job.BatchId, cancellationToken);
        run.Count(Names.BulkPolls, 1);
        run.Count(Names.Requests, 1);
        Observe(outcome);
        job.NextPollAt = time.GetUtcNow() + _options.BulkPollInterval;
        if (outcome is not OutreachCallOutcome.Succeeded<BulkJobProgress> progress)
        {
            LogPollFailed(logger, job.BatchId, outcome.GetType().Name);
            await StopOnRateLimitAsync(run, outcome, cancellationToken);
            return false;
        }

        if (!progress.Value.Finished)
        {
            return false;
        }

        var failed = await ReadFailuresAsync(run, job, progress.Value, cancellationToken);
        var succeeded = job.Versions.Where(pair => !failed.Contains(pair.Key)).ToList();
        // A prospect of this batch was read (and maybe written) by this pass under its claim: its known versions save a
        // read. A prospect of an earlier batch is read first.
        await Parallel.ForEachAsync(succeeded, Concurrently(cancellationToken), async (pair, ct) =>
        {
            var entry = run.Entries.GetValueOrDefault(pair.Key);
            var recorded = await versions.RecordAppliedAsync(pair.Key, pair.Value, entry?.Known, ct);
            if (entry is not null)
            {
                entry.Known = recorded.After;
            }
        });

        inFlight.Finish(job);
        foreach (var (prospectId, _) in succeeded)
        {
            if (run.Entries.TryGetValue(prospectId, out var entry))
            {
                // A prospect of this batch: everything it needed was in the job, so it is complete.
                run.Written(entry);
            }
        }

        run.Count(Names.BulkApplied, succeeded.Count);
        run.Count(Names.BulkItemsFailed, job.Versions.Count - succeeded.Count);
        LogFinished(logger, job.BatchId, succeeded.Count, job.Versions.Count - succeeded.Count);
        return true;
    }

    // The prospects of a finished job whose item failed. When they cannot be known, every prospect of the job counts
    // as failed: writing a value twice is harmless, recording a write that did not happen is not.
    private async Task<IReadOnlySet<long>> ReadFailuresAsync(BulkPassRun run, InFlightBulkJob job, BulkJobProgress progress, CancellationToken cancellationToken)
    {
        var all = job.Versions.Keys.ToHashSet();
        if (progress.Failures == 0)
        {
            return new HashSet<long>();
        }

        if (!await TakeAsync(run, 1, cancellationToken))
        {
            return all;
        }

        var outcome = await outreach.ReadFailuresAsync(job.BatchId, cancellationToken);
        run.Count(Names.BulkPolls, 1);
        run.Count(Names.Requests, 1);
        Observe(outcome);
        if (outcome is OutreachCallOutcome.Succeeded<BulkItemFailures> { Value.Complete: true } failures)
        {
            return failures.Value.ProspectIds;
        }

        await StopOnRateLimitAsync(run, outcome, cancellationToken);
        return all;
    }

    private async Task<bool> TakeAsync(BulkPassRun run, int count, CancellationToken cancellationToken)
    {
        var refusedUntil = await permits.TakeAsync(count, run.Deadline, cancellationToken);
        if (refusedUntil is null)
        {
            return true;
        }

        // The PATCH path meets the same empty budget and defers its messages to when permits return.
        run.MaySend = false;
        return false;
    }

    // The shared budget is corrected from every answer by the Outreach HTTP pipeline; the cost estimate is the pass's own.
    private void Observe(OutreachCallOutcome outcome) => cost.Observe(outcome.RateLimit);

    private async Task StopOnRateLimitAsync(BulkPassRun run, OutreachCallOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case OutreachCallOutcome.RateLimited limited:
                run.MaySend = false;
                await budget.BlockAsync(limited.RetryAt, cancellationToken);
                break;
            case OutreachCallOutcome.Unauthorized:
                run.MaySend = false;
                break;
        }
    }

    [LoggerMessage(EventId = 3111, Level = LogLevel.Information, Message = "Bulk job {BatchId} accepted: {Prospects} prospects, {Fields} fields")]
    private static partial void LogSubmitted(ILogger logger, string batchId, int prospects, int fields);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Information, Message = "Bulk job {BatchId} finished: {Succeeded} prospects written, {Failed} go one PATCH each")]
    private static partial void LogFinished(ILogger logger, string batchId, int succeeded, int failed);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "Bulk write of {Prospects} prospects not sent ({Outcome}); they go one PATCH each")]
    private static partial void LogSubmitFailed(ILogger logger, int prospects, string outcome);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "Polling bulk job {BatchId} failed ({Outcome}); it stays in flight and is polled again")]
    private static partial void LogPollFailed(ILogger logger, string batchId, string outcome);

    [LoggerMessage(EventId = 3115, Level = LogLevel.Warning, Message = "Reading {Prospects} prospects before their first write failed ({Outcome}); their fields are sent without comparing")]
    private static partial void LogReadFailed(ILogger logger, int prospects, string outcome);

    [LoggerMessage(EventId = 3116, Level = LogLevel.Error, Message = "Bulk job {BatchId} gave no status for too long; its {Prospects} prospects will be written again")]
    private static partial void LogAbandoned(ILogger logger, string batchId, int prospects);

    [LoggerMessage(EventId = 3117, Level = LogLevel.Warning, Message = "Delivery state storage failed during the bulk pass; the rest of the batch goes the PATCH path")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);
}

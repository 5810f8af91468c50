using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// Writes the changes many prospects share with one <c>prospectsBulkModify</c> per chunk, and follows each job until
/// Outreach says it finished: the shared bulk call of <see cref="SetFieldsOperation"/>, after <see cref="FieldPlanner"/>
/// planned the batch.
/// </summary>
/// <remarks>
/// <para>
/// Order: a bulk job's (prospect, field) pairs are registered in <see cref="InFlightBulkWrites"/> from the moment
/// Outreach accepts it until it has finished; a prospect with such a field is deferred, not written, and its newer value
/// goes after the job. Versions are recorded only for items Outreach reports done, and only ever move forward.
/// </para>
/// <para>Safety: ids always travel in the bulk action's query string, and an empty id list is refused before sending (see the bulk client).</para>
/// </remarks>
public sealed partial class SharedChangeWriter(
    IOutreachBulkClient outreach,
    FieldVersionStore versions,
    InFlightBulkWrites inFlight,
    BulkCallCost cost,
    BulkWriteAvailability availability,
    IOptions<BulkWriteOptions> bulkOptions,
    TimeProvider time,
    ILogger<SharedChangeWriter> logger)
{
    private readonly BulkWriteOptions _options = bulkOptions.Value;

    /// <summary>How long a batch waits for its bulk jobs (and imports) from the last one accepted (<c>Delivery__MaxBulkWait</c>).</summary>
    internal TimeSpan MaxBulkWait => _options.MaxBulkWait;

    /// <summary>What a bulk call costs in permits, as learnt from Outreach's answers.</summary>
    internal BulkCallCost Cost => cost;

    /// <summary>Whether bulk writes are on for the connection now (<see cref="BulkWriteAvailability"/>).</summary>
    public Task<bool> IsEnabledAsync(CancellationToken cancellationToken) => availability.IsEnabledAsync(cancellationToken);

    /// <summary>The job in flight that writes one of the group's fields, if any: the prospect must wait for it.</summary>
    public InFlightBulkJob? Blocking(CoalescedUpdate group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return inFlight.Blocking(group.ProspectId, group.Fields.Keys);
    }

    /// <summary>When a prospect held up by <paramref name="job"/> is worth trying again.</summary>
    public DateTimeOffset RetryAfter(InFlightBulkJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.NextPollAt > now ? job.NextPollAt : now + _options.BulkPollInterval;
    }

    /// <summary>Sends the chunks of <paramref name="plan"/> and polls the accepted jobs until they finish or the run's bulk wait is up.</summary>
    internal async Task WriteAsync(SetFieldsRun run, BulkPlan<ProspectPlan> plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(plan);
        var jobs = await SubmitAsync(run, plan, cancellationToken);
        await PollUntilFinishedAsync(run, jobs, cancellationToken);
    }

    /// <summary>The prospects whose remaining change is shared by enough others, in chunks of one bulk action each; the others go one PATCH each.</summary>
    internal BulkPlan<ProspectPlan> Group(SetFieldsRun run, IEnumerable<ProspectPlan> entries)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ChangeGrouping.Plan(
            entries.Where(e => e.Fresh.Count == 1 || (e.Fresh.Count > 1 && outreach.CarriesSeveralFields)),
            e => e.Group.ProspectId,
            e => e.Fresh.ToDictionary(pair => pair.Key, pair => pair.Value.Change.Value, StringComparer.Ordinal),
            cost.MaxIdsPerCall(Math.Max(1, outreach.MaxIdsPerBulkCall), run.PermitCap),
            _options.MinProspectsPerBulkCall);
    }

    private async Task<List<(InFlightBulkJob Job, int Ids)>> SubmitAsync(SetFieldsRun run, BulkPlan<ProspectPlan> plan, CancellationToken cancellationToken)
    {
        var jobs = new List<(InFlightBulkJob, int)>();
        foreach (var chunk in plan.Chunks)
        {
            var ids = chunk.Items.Select(e => e.Group.ProspectId).ToList();
            if (!run.MaySend || !await run.TakeAsync(cost.PermitsFor(ids.Count), cancellationToken))
            {
                break;
            }

            var remainingBefore = cost.RemainingBeforeCall();
            // BulkProspectIds refuses an empty list: a bulk action without ids would modify every prospect.
            var outcome = await outreach.ModifyAsync(new BulkProspectIds(ids), [.. chunk.Change], null, cancellationToken);
            run.Count(Names.Requests, 1);
            run.Observe(outcome);
            if (outcome is OutreachCallOutcome.Succeeded<BatchStatus> { Value.Id: var batchId })
            {
                cost.ObserveBulkCall(remainingBefore, outcome.RateLimit, ids.Count);
                var now = time.GetUtcNow();
                var job = new InFlightBulkJob(
                    batchId,
                    chunk.Change,
                    chunk.Items.ToDictionary(e => e.Group.ProspectId, e => e.FreshVersions()),
                    now) { NextPollAt = now + _options.BulkPollInterval };
                inFlight.Start(job);
                jobs.Add((job, ids.Count));
                run.WaitFrom(now);
                run.Count(Names.BulkCalls, 1);
                run.Count(Names.BulkProspects, ids.Count);
                LogSubmitted(logger, batchId, ids.Count, chunk.Change.Count);
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
            await run.StopOnRateLimitAsync(outcome, cancellationToken);
            break;
        }

        return jobs;
    }

    private async Task PollUntilFinishedAsync(SetFieldsRun run, List<(InFlightBulkJob Job, int Ids)> jobs, CancellationToken cancellationToken)
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

    /// <summary>
    /// Jobs of earlier batches that did not finish in time: polls those due, and those holding up a prospect of this
    /// batch, so their prospects can move on.
    /// </summary>
    internal async Task FinishEarlierJobsAsync(SetFieldsRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
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
    private async Task<bool> PollAsync(SetFieldsRun run, InFlightBulkJob job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - job.SubmittedAt > InFlightBulkWrites.GiveUpAfter)
        {
            LogAbandoned(logger, job.BatchId, job.Versions.Count);
            inFlight.Finish(job);
            return true;
        }

        if (!await run.TakeAsync(1, cancellationToken))
        {
            return false;
        }

        var outcome = await outreach.GetBatchAsync(job.BatchId, null, cancellationToken);
        run.Count(Names.BulkPolls, 1);
        run.Count(Names.Requests, 1);
        run.Observe(outcome);
        job.NextPollAt = time.GetUtcNow() + _options.BulkPollInterval;
        if (outcome is not OutreachCallOutcome.Succeeded<BatchStatus> { Value: var status })
        {
            LogPollFailed(logger, job.BatchId, outcome.GetType().Name);
            await run.StopOnRateLimitAsync(outcome, cancellationToken);
            return false;
        }

        if (!status.IsFinished)
        {
            return false;
        }

        var failed = await ReadFailuresAsync(run, job, status, cancellationToken);
        var succeeded = job.Versions.Where(pair => !failed.Contains(pair.Key)).ToList();
        // A prospect of this batch was read (and maybe written) by this pass under its claim: its known versions save a
        // read. A prospect of an earlier batch is read first.
        await Parallel.ForEachAsync(succeeded, SetFieldsRun.Concurrently(cancellationToken), async (pair, ct) =>
        {
            var entry = run.Plans.GetValueOrDefault(pair.Key);
            var recorded = await versions.RecordAppliedAsync(pair.Key, pair.Value, entry?.Known, ct);
            if (entry is not null)
            {
                entry.Known = recorded.After;
            }
        });

        inFlight.Finish(job);
        foreach (var (prospectId, _) in succeeded)
        {
            if (run.Plans.TryGetValue(prospectId, out var entry))
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
    private async Task<IReadOnlySet<long>> ReadFailuresAsync(SetFieldsRun run, InFlightBulkJob job, BatchStatus status, CancellationToken cancellationToken)
    {
        var all = job.Versions.Keys.ToHashSet();
        if (status.Failures == 0)
        {
            return new HashSet<long>();
        }

        if (!await run.TakeAsync(1, cancellationToken))
        {
            return all;
        }

        var outcome = await outreach.ReadFailuresAsync(job.BatchId, null, cancellationToken);
        run.Count(Names.BulkPolls, 1);
        run.Count(Names.Requests, 1);
        run.Observe(outcome);
        // An item that names no prospect makes every item of the job untrustworthy.
        if (outcome is OutreachCallOutcome.Succeeded<ListPages<BatchItemFailure>> { Value.Items: var failures } && failures.All(f => f.ProspectId is not null))
        {
            return failures.Select(f => f.ProspectId!.Value).ToHashSet();
        }

        await run.StopOnRateLimitAsync(outcome, cancellationToken);
        return all;
    }

    [LoggerMessage(EventId = 3111, Level = LogLevel.Information, Message = "Bulk job {BatchId} accepted: {Prospects} prospects, {Fields} fields")]
    private static partial void LogSubmitted(ILogger logger, long batchId, int prospects, int fields);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Information, Message = "Bulk job {BatchId} finished: {Succeeded} prospects written, {Failed} go one PATCH each")]
    private static partial void LogFinished(ILogger logger, long batchId, int succeeded, int failed);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "Bulk write of {Prospects} prospects not sent ({Outcome}); they go one PATCH each")]
    private static partial void LogSubmitFailed(ILogger logger, int prospects, string outcome);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "Polling bulk job {BatchId} failed ({Outcome}); it stays in flight and is polled again")]
    private static partial void LogPollFailed(ILogger logger, long batchId, string outcome);

    [LoggerMessage(EventId = 3116, Level = LogLevel.Error, Message = "Bulk job {BatchId} gave no status for too long; its {Prospects} prospects will be written again")]
    private static partial void LogAbandoned(ILogger logger, long batchId, int prospects);
}

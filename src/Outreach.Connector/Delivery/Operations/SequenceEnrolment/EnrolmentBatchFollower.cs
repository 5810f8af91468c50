using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Follows a <c>prospectsAddToSequence</c> batch: polls <c>GET /batches/{id}</c> until it finishes, reads its failed
/// items, and records each entry: enrolled, refused with its reason (<see cref="EnrolmentRefusal"/>; permanent reasons are
/// not retried), or back to waiting when the sequence or mailbox was not ready.
/// </summary>
/// <remarks>
/// A batch that does not finish within <c>Sequences__MaxBatchWait</c> or the delivery batch's deadline stays remembered
/// (<see cref="EnrolmentStore.AddBatchAsync"/>) and a later delivery batch reads it. Outreach's items are processed
/// asynchronously; a failed item whose prospect cannot be read from its <c>data</c> cannot be told apart, so its
/// prospect is recorded as enrolled (the batch's other entries are right; UNCONFIRMED item shape).
/// </remarks>
internal sealed partial class EnrolmentBatchFollower(
    EnrolmentStore store,
    IOutreachSequenceClient outreach,
    PermitTaker permits,
    SequenceReadiness readiness,
    IOptions<SequenceOptions> options,
    TimeProvider time,
    ILogger<EnrolmentBatchFollower> logger)
{
    /// <summary>
    /// Polls until the batch finishes (then records it and returns true) or until it must stop waiting (false). A batch
    /// just submitted (<paramref name="pollOnce"/> false) is first polled after <c>Sequences__BatchPollInterval</c>, since
    /// Outreach processes its items asynchronously and an immediate poll finds them all pending.
    /// </summary>
    public async Task<bool> FollowAsync(BatchRun run, EnrolmentBatch batch, bool pollOnce, CancellationToken cancellationToken)
    {
        var giveUpAt = Min(run.Deadline, time.GetUtcNow() + options.Value.MaxBatchWait);
        if (!pollOnce)
        {
            await Task.Delay(options.Value.BatchPollInterval, time, cancellationToken);
        }

        while (true)
        {
            if (run.Stop is not null || await permits.TakeAsync(1, run.Deadline, cancellationToken) is not null)
            {
                return false;
            }

            var outcome = await outreach.GetBatchAsync(batch.BatchId, cancellationToken);
            run.Count(Names.Requests, 1);
            if (outcome is not OutreachCallOutcome.Succeeded<BatchStatus> { Value: var status })
            {
                LogPollFailed(logger, batch.BatchId, outcome.GetType().Name);
                return false;
            }

            if (status.IsFinished)
            {
                return await RecordAsync(run, batch, status, cancellationToken);
            }

            var now = time.GetUtcNow();
            var wait = NextPoll(batch, status, now, options.Value.BatchPollInterval);
            if (pollOnce || now + wait > giveUpAt)
            {
                return false;
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>
    /// How long to wait before the next poll: the time the batch's pending items need at the rate its processed items
    /// went since it was submitted, and a fifth more (so that the poll finds the batch finished rather than an item
    /// short), at least <c>Sequences__BatchPollInterval</c>; the interval when nothing was processed yet or Outreach
    /// gives no counts. The caller stops at <c>Sequences__MaxBatchWait</c>, so polling stays bounded.
    /// </summary>
    internal static TimeSpan NextPoll(EnrolmentBatch batch, BatchStatus status, DateTimeOffset now, TimeSpan interval)
    {
        var elapsed = now - batch.SubmittedAt;
        if (status.Total is not { } total || status.Pending is not { } pending || pending <= 0 || total <= pending || elapsed <= TimeSpan.Zero)
        {
            return interval;
        }

        var needed = elapsed * (1.2 * pending / (total - pending));
        return needed > interval ? needed : interval;
    }

    private async Task<bool> RecordAsync(BatchRun run, EnrolmentBatch batch, BatchStatus status, CancellationToken cancellationToken)
    {
        var failures = new Dictionary<long, string?>();
        if (status.Failures is not 0)
        {
            if (await permits.TakeAsync(1, run.Deadline, cancellationToken) is not null)
            {
                return false;
            }

            var read = await outreach.ReadFailuresAsync(batch.BatchId, cancellationToken);
            if (read is not OutreachCallOutcome.Succeeded<ListPages<BatchItemFailure>> { Value: var pages })
            {
                run.Count(Names.Requests, 1);
                LogPollFailed(logger, batch.BatchId, read.GetType().Name);
                return false;
            }

            run.Count(Names.Requests, pages.Requests);
            foreach (var failure in pages.Items.Where(f => f.ProspectId is not null))
            {
                failures[failure.ProspectId!.Value] = failure.Info;
            }
        }

        foreach (var entry in batch.Entries)
        {
            await RecordEntryAsync(run, entry, failures.TryGetValue(entry.ProspectId, out var info) ? info ?? "" : null, cancellationToken);
        }

        await store.RemoveBatchAsync(batch.BatchId, cancellationToken);
        LogFinished(logger, batch.BatchId, batch.Entries.Count, failures.Count);
        return true;
    }

    // info null: the entry's item succeeded.
    private async Task RecordEntryAsync(BatchRun run, PendingEnrolment entry, string? info, CancellationToken cancellationToken)
    {
        var counters = Names.Prefix(entry.MappingId, entry.SequenceId);
        var refusal = info is null ? null : EnrolmentRefusal.From(info);

        // After a lost answer the batch is sent again: "already active in this sequence" is then our own enrolment.
        if (refusal is null || (refusal.Code == "already_in_sequence" && entry.Why == PendingReasons.Uncertain))
        {
            if (await store.SettleAsync(entry, EnrolmentStates.Enrolled, null, cancellationToken))
            {
                run.Count(Names.Enrolled, 1);
                run.Count(counters + "Enrolled", 1);
            }

            return;
        }

        if (refusal.Permanent)
        {
            if (await store.SettleAsync(entry, EnrolmentStates.Refused, refusal.Code, cancellationToken))
            {
                run.Count(Names.Refused, 1);
                run.Count(counters + "Refused_" + refusal.Code, 1);
            }

            return;
        }

        // The sequence or mailbox stopped being ready: check again, and the entry waits until it is.
        readiness.Forget();
        if (await store.SettleAsync(entry, EnrolmentStates.Pending, refusal.Code, cancellationToken))
        {
            await store.WaitAsync([entry], PendingReasons.NotReady, cancellationToken);
            run.Count(Names.NotReady, 1);
            run.Count(counters + "NotReady", 1);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Enrolment batch {BatchId} finished: {Entries} entries, {Refused} refused")]
    private static partial void LogFinished(ILogger logger, long batchId, int entries, int refused);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Following enrolment batch {BatchId} failed ({Outcome}); a later batch reads it")]
    private static partial void LogPollFailed(ILogger logger, long batchId, string outcome);
}

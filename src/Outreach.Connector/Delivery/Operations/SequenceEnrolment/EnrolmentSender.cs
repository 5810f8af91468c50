using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// The call step of enrolment: reads the batches not read yet, then sends the waiting entries whose turn has come
/// (<see cref="EnrolmentAdmission"/>: the delay that lets entries share an action, the readiness check, the hourly
/// guard), grouped per (sequence, mailbox) into one <c>prospectsAddToSequence</c> with the ids in its query string, each
/// after a permit under the batch's deadline, and follows each batch. Called by each delivery batch and by the sweep
/// (<see cref="EnrolmentSweep"/>).
/// </summary>
/// <remarks>
/// An entry is sent only by the drainer that moved its row to <see cref="EnrolmentStates.Enrolling"/> (a conditional
/// write), so concurrent drainers sweeping the same waiting entries enrol each once.
/// </remarks>
internal sealed partial class EnrolmentSender(
    EnrolmentStore store,
    EnrolmentAdmission admission,
    EnrolmentBatchFollower follower,
    IOutreachSequenceClient outreach,
    PermitTaker permits,
    TimeProvider time,
    ILogger<EnrolmentSender> logger)
{
    // The most waiting entries one delivery batch sweeps.
    private const int MaxSweep = 5000;

    // One send at a time in this process: the sweep and the drain loop would otherwise admit the same waiting entries
    // together, splitting an action in two and counting the entries they hold for the guard twice.
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Reads earlier batches, then sends what waits for the rules' sequences (one call at a time per process).</summary>
    public async Task SendAsync(BatchRun run, IReadOnlyList<SequenceRule> rules, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await SendWaitingAsync(run, rules, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task SendWaitingAsync(BatchRun run, IReadOnlyList<SequenceRule> rules, CancellationToken cancellationToken)
    {
        foreach (var earlier in await store.BatchesAsync(cancellationToken))
        {
            if (run.Stop is not null || !await follower.FollowAsync(run, earlier, pollOnce: true, cancellationToken))
            {
                break;
            }
        }

        var waiting = admission.Due(await store.PendingAsync(MaxSweep, cancellationToken), outreach.MaxIdsPerBulkCall);
        var toSend = new List<PendingEnrolment>();
        foreach (var rule in rules)
        {
            var entries = waiting.Where(e => e.MappingId == rule.MappingId && e.SequenceId == rule.SequenceId).ToList();
            if (entries.Count > 0 && run.Stop is null)
            {
                toSend.AddRange(await admission.AdmitAsync(run, rule, entries, cancellationToken));
            }
        }

        foreach (var group in toSend.GroupBy(e => (e.SequenceId, e.MailboxId)))
        {
            foreach (var chunk in group.Chunk(outreach.MaxIdsPerBulkCall))
            {
                if (run.Stop is not null)
                {
                    return;
                }

                await SendBatchAsync(run, group.Key.SequenceId, group.Key.MailboxId, chunk, cancellationToken);
            }
        }
    }

    private async Task SendBatchAsync(BatchRun run, long sequenceId, long mailboxId, PendingEnrolment[] entries, CancellationToken cancellationToken)
    {
        if (await permits.TakeAsync(1, run.Deadline, cancellationToken) is { } refusedUntil)
        {
            run.Stop = BatchStop.Defer(refusedUntil);
            await store.ReturnAsync(entries, PendingReasons.Stopped, cancellationToken);
            return;
        }

        var outcome = await outreach.AddToSequenceAsync(new BulkProspectIds(entries.Select(e => e.ProspectId)), sequenceId, mailboxId, cancellationToken);
        run.Count(Names.Requests, 1);
        switch (outcome)
        {
            case OutreachCallOutcome.Succeeded<BatchStatus> { Value: var status }:
                run.Count(Names.BulkActions, 1);
                var batch = new EnrolmentBatch(status.Id, sequenceId, mailboxId, entries, time.GetUtcNow());
                await store.AddBatchAsync(batch, cancellationToken);
                await store.RemovePendingAsync(entries, cancellationToken);
                await follower.FollowAsync(run, batch, pollOnce: false, cancellationToken);
                break;

            case OutreachCallOutcome.RateLimited limited:
                run.Stop = BatchStop.Defer(await permits.Budget.BlockAsync(limited.RetryAt, cancellationToken));
                await store.ReturnAsync(entries, PendingReasons.Stopped, cancellationToken);
                break;

            case OutreachCallOutcome.Transient:
                // Applied or not, no one knows: sent again later, "already active in this sequence" then means enrolled.
                await store.ReturnAsync(entries, PendingReasons.Uncertain, cancellationToken);
                break;

            default:
                // Not sent, unauthorized or refused as a whole (e.g. a missing scope): waits, and readiness is read again.
                admission.Forget();
                LogNotSent(logger, sequenceId, entries.Length, outcome.GetType().Name);
                await store.ReturnAsync(entries, PendingReasons.Stopped, cancellationToken);
                break;
        }
    }

    [LoggerMessage(EventId = 3322, Level = LogLevel.Warning, Message = "Enrolment in sequence {SequenceId} of {Count} prospects not sent ({Outcome}); they wait")]
    private static partial void LogNotSent(ILogger logger, long sequenceId, int count, string outcome);
}

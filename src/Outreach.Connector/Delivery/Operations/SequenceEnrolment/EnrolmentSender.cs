using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// The call step of enrolment: reads the batches not read yet, then sends the waiting entries — per audience through
/// the readiness check and the hourly guard, then grouped per (sequence, mailbox) into one <c>prospectsAddToSequence</c>
/// with the ids in its query string — each after a permit under the batch's deadline, and follows each batch.
/// </summary>
/// <remarks>
/// An entry is sent only by the drainer that moved its row to <see cref="EnrolmentStates.Enrolling"/> (a conditional
/// write), so concurrent drainers sweeping the same waiting entries enrol each once.
/// </remarks>
internal sealed partial class EnrolmentSender(
    EnrolmentStore store,
    EnrolmentGuard guard,
    SequenceReadiness readiness,
    EnrolmentBatchFollower follower,
    IOutreachSequenceClient outreach,
    PermitTaker permits,
    TimeProvider time,
    ILogger<EnrolmentSender> logger)
{
    // The most waiting entries one delivery batch sweeps.
    private const int MaxSweep = 5000;

    /// <summary>Reads earlier batches, then sends what waits for the rules' sequences.</summary>
    public async Task SendAsync(BatchRun run, IReadOnlyList<SequenceRule> rules, CancellationToken cancellationToken)
    {
        foreach (var earlier in await store.BatchesAsync(cancellationToken))
        {
            if (run.Stop is not null || !await follower.FollowAsync(run, earlier, pollOnce: true, cancellationToken))
            {
                break;
            }
        }

        var waiting = await store.PendingAsync(MaxSweep, cancellationToken);
        var toSend = new List<PendingEnrolment>();
        foreach (var rule in rules)
        {
            var entries = waiting.Where(e => e.MappingId == rule.MappingId && e.SequenceId == rule.SequenceId).ToList();
            if (entries.Count > 0 && run.Stop is null)
            {
                toSend.AddRange(await AdmitAsync(run, rule, entries, cancellationToken));
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

    // Readiness, then the guard, then the row moved to "enrolling": the entries this drainer sends.
    private async Task<List<PendingEnrolment>> AdmitAsync(BatchRun run, SequenceRule rule, List<PendingEnrolment> entries, CancellationToken cancellationToken)
    {
        if (await readiness.ProblemAsync(rule, run.Deadline, cancellationToken) is not null)
        {
            await store.WaitAsync([.. entries.Where(e => e.Why != PendingReasons.NotReady)], PendingReasons.NotReady, cancellationToken);
            run.Count(Names.NotReady, entries.Count(e => e.Why != PendingReasons.NotReady));
            run.Count(Names.For(rule, "NotReady"), entries.Count(e => e.Why != PendingReasons.NotReady));
            return [];
        }

        // The hour's places left bound how many are started; the rest wait as held without being touched again.
        var left = Math.Max(0, guard.MaxPerHour - await guard.UsedThisHourAsync(rule.MappingId, cancellationToken));
        var waiting = entries.Skip(left).Where(e => e.Why != PendingReasons.Guard).ToList();
        if (waiting.Count > 0)
        {
            await store.WaitAsync(waiting, PendingReasons.Guard, cancellationToken);
            run.Count(Names.Held, waiting.Count);
            run.Count(Names.For(rule, "Held"), waiting.Count);
            LogHeld(logger, rule.MappingId, waiting.Count, guard.MaxPerHour);
        }

        // Started first, then counted against the guard: places are taken only for entries this drainer sends.
        var started = new List<PendingEnrolment>();
        foreach (var entry in entries.Take(left))
        {
            if (await store.TryStartAsync(entry, cancellationToken))
            {
                started.Add(entry);
            }
        }

        var granted = await guard.ReserveAsync(rule.MappingId, started.Count, cancellationToken);
        var held = started.Skip(granted).ToList();
        if (held.Count > 0)
        {
            // Counted once per entry held: when it is first held, not on every sweep that finds it still waiting.
            var newlyHeld = held.Count(e => e.Why != PendingReasons.Guard);
            await store.ReturnAsync(held, PendingReasons.Guard, cancellationToken);
            run.Count(Names.Held, newlyHeld);
            run.Count(Names.For(rule, "Held"), newlyHeld);
            LogHeld(logger, rule.MappingId, held.Count, guard.MaxPerHour);
        }

        return started.Take(granted).ToList();
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
                readiness.Forget();
                LogNotSent(logger, sequenceId, entries.Length, outcome.GetType().Name);
                await store.ReturnAsync(entries, PendingReasons.Stopped, cancellationToken);
                break;
        }
    }

    [LoggerMessage(EventId = 3321, Level = LogLevel.Warning, Message = "Enrolments of audience {MappingId} held by the guard: {Held} wait for the next hour (Sequences__MaxEnrolmentsPerHour = {MaxPerHour})")]
    private static partial void LogHeld(ILogger logger, int mappingId, int held, int maxPerHour);

    [LoggerMessage(EventId = 3322, Level = LogLevel.Warning, Message = "Enrolment in sequence {SequenceId} of {Count} prospects not sent ({Outcome}); they wait")]
    private static partial void LogNotSent(ILogger logger, long sequenceId, int count, string outcome);
}

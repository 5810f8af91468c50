using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Which waiting entries go now: the delay (<c>Sequences__MaxEnrolmentDelay</c>: a (sequence, mailbox) short of one
/// full action waits for others to share it), then per audience the readiness check and the hourly guard, then the row
/// moved to <see cref="EnrolmentStates.Enrolling"/> (a conditional write: the entries this drainer sends).
/// </summary>
internal sealed partial class EnrolmentAdmission(
    EnrolmentStore store,
    EnrolmentGuard guard,
    SequenceReadiness readiness,
    IOptions<SequenceOptions> options,
    TimeProvider time,
    ILogger<EnrolmentAdmission> logger)
{
    /// <summary>
    /// The entries whose turn has come: every full action's worth of each (sequence, mailbox), and the rest of it once its
    /// oldest entry has waited <c>Sequences__MaxEnrolmentDelay</c>. The others are left as they are: nothing written,
    /// nothing counted, so waiting to share an action is not "held".
    /// </summary>
    /// <param name="waiting">The waiting entries.</param>
    /// <param name="perAction">The most ids one action carries (<c>Outreach__MaxIdsPerBulkCall</c>).</param>
    public IReadOnlyList<PendingEnrolment> Due(IReadOnlyList<PendingEnrolment> waiting, int perAction)
    {
        var delay = options.Value.MaxEnrolmentDelay;
        var now = time.GetUtcNow();
        var due = new List<PendingEnrolment>();
        foreach (var group in waiting.GroupBy(e => (e.SequenceId, e.MailboxId)))
        {
            var entries = group.OrderBy(e => e.Since).ToList();
            due.AddRange(now - entries[0].Since >= delay ? entries : entries.Take(entries.Count / perAction * perAction));
        }

        return due;
    }

    /// <summary>Makes the next readiness check read Outreach again (a send or an item said the sequence stopped being ready).</summary>
    public void Forget() => readiness.Forget();

    /// <summary>Readiness, then the guard, then the row moved to "enrolling": the entries of <paramref name="rule"/> this drainer sends.</summary>
    public async Task<List<PendingEnrolment>> AdmitAsync(BatchRun run, SequenceRule rule, List<PendingEnrolment> entries, CancellationToken cancellationToken)
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

    [LoggerMessage(EventId = 3321, Level = LogLevel.Warning, Message = "Enrolments of audience {MappingId} held by the guard: {Held} wait for the next hour (Sequences__MaxEnrolmentsPerHour = {MaxPerHour})")]
    private static partial void LogHeld(ILogger logger, int mappingId, int held, int maxPerHour);
}

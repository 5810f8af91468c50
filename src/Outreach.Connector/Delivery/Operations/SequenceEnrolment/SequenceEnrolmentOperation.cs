using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Mapping;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// The operation "enrol a prospect in its audience's Outreach sequence when it enters the audience" (mapping
/// <c>sequence</c>), in delivery's three steps: <b>plan</b> (<see cref="EnrolmentPlanner"/>: <c>realized</c> enrols,
/// <c>existing</c> only with <c>enrolExisting</c>, <c>exited</c> takes the rule's exit action; each decided against the
/// (prospect, sequence) row of <see cref="EnrolmentStore"/>, so AEP's repeats and concurrent drainers enrol each entry
/// at most once), <b>call</b> (<see cref="EnrolmentSender"/>: one <c>prospectsAddToSequence</c> per (sequence, mailbox)
/// with the ids in its query, under the readiness check and the hourly guard; <see cref="SequenceExitActions"/> on exit),
/// <b>record</b> (<see cref="EnrolmentBatchFollower"/>: each entry enrolled, refused with its reason, or waiting).
/// </summary>
/// <remarks>
/// Runs after the operations that write fields, and never decides a message's fate: the field writes of the same
/// profiles are decided by them, and are never held back by the guard or by a sequence that is not ready. Enrolment's
/// own failures stay in its store and counters; transient ones wait in the store and are sent with later traffic or by
/// the sweep (<see cref="EnrolmentSweep"/>), as are entries waiting to share an action (<c>Sequences__MaxEnrolmentDelay</c>).
/// Prospects created in this batch (id 0 in their update) are enrolled by a later export of the same profile.
/// </remarks>
internal sealed partial class SequenceEnrolmentOperation(
    EnrolmentStore store,
    EnrolmentSender sender,
    SequenceExitActions exits,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time,
    ILogger<SequenceEnrolmentOperation> logger,
    CompiledMapping? mapping = null) : IDeliveryOperation
{
    /// <inheritdoc />
    public async Task DeliverAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        if (mapping is not { Sequences.Count: > 0 } || run.Stop is not null)
        {
            return;
        }

        try
        {
            // Plan.
            var events = EnrolmentPlanner.Plan([.. groups.Where(g => !run.NotFound.Contains(g.ProspectId))], mapping, out var existingSkipped);
            run.Count(Names.ExistingSkipped, existingSkipped);
            foreach (var sequenceEvent in events)
            {
                await RecordEventAsync(run, sequenceEvent, cancellationToken);
            }

            // Call and record (a dry run sends nothing).
            if (!deliveryOptions.Value.DryRun)
            {
                await sender.SendAsync(run, mapping.Sequences, cancellationToken);
            }
        }
        catch (RequestFailedException ex)
        {
            // Enrolment's state could not be written: what was not recorded is planned again from AEP's next export or retry.
            LogStorageFailed(logger, ex);
        }
    }

    private async Task RecordEventAsync(BatchRun run, SequenceEvent sequenceEvent, CancellationToken cancellationToken)
    {
        var (prospectId, rule) = (sequenceEvent.ProspectId, sequenceEvent.Rule);
        var dryRun = deliveryOptions.Value.DryRun;
        var record = await store.ReadAsync(prospectId, rule.SequenceId, cancellationToken);
        switch (EnrolmentPlanner.Decide(record, sequenceEvent, dryRun))
        {
            case SequenceEventDecision.Enrol:
                var entry = new PendingEnrolment(prospectId, rule.SequenceId, rule.MailboxId, rule.MappingId, time.GetUtcNow(), PendingReasons.New);
                var won = dryRun
                    ? await store.TryPlanAsync(record, entry, sequenceEvent.ObservedAt, cancellationToken)
                    : await store.TryEnterAsync(record, entry, sequenceEvent.ObservedAt, cancellationToken);
                run.Count(won ? (dryRun ? Names.DryRunPlanned : Names.Entered) : Names.RepeatsSkipped, 1);
                if (won && dryRun)
                {
                    run.Count(Names.For(rule, "DryRunPlanned"), 1);
                }

                break;

            case SequenceEventDecision.Exit or SequenceEventDecision.RecordExit:
                // The exit is owed before the row says exited: a crash in between leaves it for the sweep, not forgotten.
                var acts = record?.State is EnrolmentStates.Enrolled or EnrolmentStates.Enrolling && !dryRun && rule.OnExit != SequenceExit.None;
                if (acts)
                {
                    await exits.OweAsync(prospectId, rule, cancellationToken);
                }

                if (await store.TryExitAsync(prospectId, rule.SequenceId, record, sequenceEvent.ObservedAt, cancellationToken) && acts)
                {
                    await exits.ActOnOwedAsync(run, prospectId, rule, cancellationToken);
                }

                break;

            default:
                run.Count(Names.RepeatsSkipped, 1);
                break;
        }
    }

    [LoggerMessage(EventId = 3331, Level = LogLevel.Warning, Message = "Sequence enrolment state storage failed; the entries not recorded are planned again from AEP's next export")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);
}

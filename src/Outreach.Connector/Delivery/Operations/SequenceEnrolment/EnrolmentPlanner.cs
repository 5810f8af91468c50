using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// The planner rule of enrolment: from each prospect's coalesced update, the audiences with a sequence it entered or left
/// (<see cref="Plan"/>), and, given what was done before in that sequence, what to do about it (<see cref="Decide"/>).
/// </summary>
/// <remarks>
/// AEP's status (docs/reference/outreach-sequences.md): <c>realized</c> = entered after activation → enrol;
/// <c>existing</c> = already in when the audience was activated (the backfill) → enrol only with <c>enrolExisting</c>;
/// <c>exited</c> → the rule's exit action. The status is read back from the text the mapping writes to <c>customN</c>
/// (the mapping check makes the three texts differ for an audience with a sequence). Prospects still to be created
/// (id 0) are not planned: they are enrolled by a later export of the same profile, once they have an id.
/// </remarks>
public static class EnrolmentPlanner
{
    /// <summary>The sequence events of the batch, in batch order; <paramref name="existingSkipped"/> counts the backfill not enrolled.</summary>
    public static IReadOnlyList<SequenceEvent> Plan(IReadOnlyList<CoalescedUpdate> groups, CompiledMapping mapping, out int existingSkipped)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(mapping);
        existingSkipped = 0;
        var events = new List<SequenceEvent>();
        foreach (var group in groups.Where(g => g.ProspectId != 0))
        {
            foreach (var rule in mapping.Sequences)
            {
                if (!group.Fields.TryGetValue(OutreachProspectAttributes.CustomFieldName(rule.MappingId), out var field))
                {
                    continue;
                }

                var change = field.Change;
                if (change.Value == mapping.Realized || (change.Value == mapping.Existing && rule.EnrolExisting))
                {
                    events.Add(new SequenceEvent(group.ProspectId, rule, SequenceEventKind.Enter, change.ObservedAt));
                }
                else if (change.Value == mapping.Existing)
                {
                    existingSkipped++;
                }
                else if (change.Value == mapping.Exited)
                {
                    events.Add(new SequenceEvent(group.ProspectId, rule, SequenceEventKind.Exit, change.ObservedAt));
                }
            }
        }

        return events;
    }

    /// <summary>What to do with <paramref name="sequenceEvent"/> given the prospect's record in that sequence (null: none).</summary>
    /// <remarks>
    /// An entry enrols when nothing was done yet, when the prospect exited before this entry (re-entry: the sequence's own
    /// rules say whether it may join again), or when only a dry run planned it. Any other record means this entry was
    /// acted on already: repeats enrol no one. An exit counts when it is newer than the entry acted on.
    /// </remarks>
    public static SequenceEventDecision Decide(EnrolmentRecord? record, SequenceEvent sequenceEvent, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(sequenceEvent);
        var at = sequenceEvent.ObservedAt;
        if (sequenceEvent.Kind == SequenceEventKind.Enter)
        {
            return record switch
            {
                null => SequenceEventDecision.Enrol,
                { State: EnrolmentStates.Exited } when record.ExitAt is not { } exitAt || at > exitAt => SequenceEventDecision.Enrol,
                { State: EnrolmentStates.Planned } when !dryRun => SequenceEventDecision.Enrol,
                _ => SequenceEventDecision.Skip,
            };
        }

        return record switch
        {
            null => SequenceEventDecision.RecordExit,
            { State: EnrolmentStates.Exited } => SequenceEventDecision.Skip,
            _ when at <= record.EntryAt => SequenceEventDecision.Skip,
            { State: EnrolmentStates.Enrolled or EnrolmentStates.Enrolling or EnrolmentStates.Planned } => SequenceEventDecision.Exit,
            _ => SequenceEventDecision.RecordExit,
        };
    }
}

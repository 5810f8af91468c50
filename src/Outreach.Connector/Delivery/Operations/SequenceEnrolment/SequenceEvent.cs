using Outreach.Connector.Mapping;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>A prospect entering or leaving an audience that enrols in a sequence, as one delivered batch says it.</summary>
/// <param name="ProspectId">The prospect.</param>
/// <param name="Rule">The audience's sequence rule.</param>
/// <param name="Kind">Entered (<c>realized</c>, or <c>existing</c> with <c>enrolExisting</c>) or left (<c>exited</c>).</param>
/// <param name="ObservedAt">The AEP event time of the status (its qualification time), which orders entries and exits.</param>
public sealed record SequenceEvent(long ProspectId, SequenceRule Rule, SequenceEventKind Kind, DateTimeOffset ObservedAt);

/// <summary>Whether a <see cref="SequenceEvent"/> is an entry or an exit.</summary>
public enum SequenceEventKind
{
    /// <summary>Entered the audience: enrol.</summary>
    Enter,

    /// <summary>Left the audience: the exit action of the rule.</summary>
    Exit,
}

/// <summary>What to do with a <see cref="SequenceEvent"/> given what was done before.</summary>
public enum SequenceEventDecision
{
    /// <summary>An entry to enrol: record it as pending.</summary>
    Enrol,

    /// <summary>An exit of a prospect enrolled (or about to be): record it, and act on its sequence state per the rule.</summary>
    Exit,

    /// <summary>An exit of a prospect never enrolled: record it only, so an older entry arriving late enrols no one.</summary>
    RecordExit,

    /// <summary>Already acted on (AEP's repeats and retries) or older than what was acted on: nothing.</summary>
    Skip,
}

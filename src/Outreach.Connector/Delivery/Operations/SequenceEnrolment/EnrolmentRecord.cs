using Azure;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>What the connector did about one prospect in one sequence (one row of <c>{prefix}SequenceEnrolments</c>).</summary>
/// <param name="ProspectId">The prospect.</param>
/// <param name="SequenceId">The sequence.</param>
/// <param name="State">One of <see cref="EnrolmentStates"/>.</param>
/// <param name="EntryAt">The AEP event time of the entry this row acts on (its qualification time).</param>
/// <param name="ExitAt">The AEP event time of the last exit, when there was one.</param>
/// <param name="Reason">Why it was refused or waits, as a reason code; null otherwise.</param>
/// <param name="ETag">The row's version, for the conditional write that makes one drainer act on it.</param>
public sealed record EnrolmentRecord(long ProspectId, long SequenceId, string State, DateTimeOffset EntryAt, DateTimeOffset? ExitAt, string? Reason, ETag ETag);

/// <summary>The states of an <see cref="EnrolmentRecord"/>.</summary>
public static class EnrolmentStates
{
    /// <summary>Entered; waits to be sent (for company in its bulk action, for the guard's next hour, or for the sequence to be ready).</summary>
    public const string Pending = "pending";

    /// <summary>Sent in a <c>prospectsAddToSequence</c> batch whose outcome is not read yet.</summary>
    public const string Enrolling = "enrolling";

    /// <summary>Outreach enrolled it.</summary>
    public const string Enrolled = "enrolled";

    /// <summary>Outreach refused it for a permanent reason (<see cref="EnrolmentRecord.Reason"/>); not retried.</summary>
    public const string Refused = "refused";

    /// <summary>Left the audience (after or instead of an enrolment); a later entry may enrol again.</summary>
    public const string Exited = "exited";

    /// <summary><c>Delivery__DryRun</c>: the enrolment was recorded, not sent.</summary>
    public const string Planned = "planned";
}

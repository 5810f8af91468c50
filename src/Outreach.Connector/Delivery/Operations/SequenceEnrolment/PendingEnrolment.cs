namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>An entry waiting to be sent: who, where, since when, and why it still waits.</summary>
/// <param name="ProspectId">The prospect.</param>
/// <param name="SequenceId">The sequence.</param>
/// <param name="MailboxId">The mailbox that sends it.</param>
/// <param name="MappingId">The audience it entered (by mapping ID), for the guard and the counters.</param>
/// <param name="Since">When it started waiting.</param>
/// <param name="Why">One of <see cref="PendingReasons"/>.</param>
public sealed record PendingEnrolment(long ProspectId, long SequenceId, long MailboxId, int MappingId, DateTimeOffset Since, string Why);

/// <summary>Why a <see cref="PendingEnrolment"/> waits.</summary>
public static class PendingReasons
{
    /// <summary>Just entered.</summary>
    public const string New = "new";

    /// <summary>The hourly guard (<c>Sequences__MaxEnrolmentsPerHour</c>) held it.</summary>
    public const string Guard = "guard";

    /// <summary>The sequence or mailbox is not ready.</summary>
    public const string NotReady = "not_ready";

    /// <summary>A bulk action that may have enrolled it lost its answer: "already in this sequence" then means enrolled.</summary>
    public const string Uncertain = "uncertain";

    /// <summary>Outreach's rate limit, the budget or the connection stopped the send.</summary>
    public const string Stopped = "stopped";
}

using Outreach.Connector.Delivery.Outcomes;

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>
/// What a transport does with one delivered message: <see cref="ReceivedBatchProcessor"/> turns its
/// <see cref="MessageFate"/> into one of these, in the terms a queue understands.
/// </summary>
public abstract record Settlement
{
    /// <summary>
    /// Remove the message: it was delivered, excluded, rejected or poisoned (the last two are in the failure ledger).
    /// </summary>
    public sealed record Complete : Settlement;

    /// <summary>
    /// Make this same message visible again after <paramref name="Delay"/>; the transport's delivery count then counts
    /// this attempt. Only for a settler whose <see cref="IMessageSettler{THandle}.CanRetryInPlace"/> is true.
    /// </summary>
    /// <param name="Delay">How long the message stays invisible.</param>
    public sealed record RetryInPlace(TimeSpan Delay) : Settlement;

    /// <summary>
    /// Replace the message by a copy: send <paramref name="Body"/> visible at <paramref name="VisibleAt"/> (at once when
    /// that is not in the future), then remove the original. Send first: a crash in between duplicates the update
    /// (harmless) rather than losing it.
    /// </summary>
    /// <param name="Body">The copy's body: the update carrying <paramref name="AttemptsUsed"/>.</param>
    /// <param name="AttemptsUsed">The attempts the copy carries (also in the body, which is authoritative).</param>
    /// <param name="VisibleAt">When the copy may be delivered.</param>
    /// <param name="Reason">The name of the fate the copy stands for (<see cref="MessageFate.Name"/>: retry, deferred, paused), for operators browsing the queue.</param>
    public sealed record Successor(string Body, int AttemptsUsed, DateTimeOffset VisibleAt, string Reason) : Settlement;
}

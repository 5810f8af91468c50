namespace Outreach.Connector.Queueing.Receiving;

/// <summary>
/// A queue transport's receive adapter: keeps the messages that are not prospect updates and applies each delivered
/// message's <see cref="Settlement"/>. Implemented once per transport; <see cref="ReceivedBatchProcessor"/> does the rest.
/// </summary>
/// <typeparam name="THandle">The transport's handle of a received message.</typeparam>
public interface IMessageSettler<THandle>
{
    /// <summary>
    /// True when the transport can make a received message visible again later and count the attempt by itself (a
    /// Storage queue's visibility timeout); false turns a retry into a <see cref="Settlement.Successor"/>.
    /// </summary>
    bool CanRetryInPlace { get; }

    /// <summary>
    /// True when the drainer stops receiving while the connection needs re-authorization, so a held message's copy is
    /// visible at once and found the moment delivery resumes; false schedules it at the engine's next probe, because a
    /// drainer that keeps receiving would otherwise spin on it.
    /// </summary>
    bool StopsReceivingWhilePaused { get; }

    /// <summary>
    /// Keeps a message that is not a prospect update out of the way of the others (a poison queue, an archive) and
    /// removes it from the queue; returns where it was kept, for logs. Throws when it cannot keep it: the batch then
    /// fails before any delivery, and the transport's redelivery tries again.
    /// </summary>
    Task<string> SetAsideAsync(ReceivedMessage<THandle> message, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the settlements of a delivered batch. Throws when something that must be kept was not (a copy not sent):
    /// the transport then redelivers the originals, which is safe.
    /// </summary>
    Task SettleAsync(IReadOnlyList<(ReceivedMessage<THandle> Message, Settlement Settlement)> settlements, CancellationToken cancellationToken);
}

using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Outreach.Connector.Queueing.Receiving;

namespace Outreach.Connector.Queueing.StorageQueues;

/// <summary>
/// Settles received Storage-queue messages (Delivery/README.md): delete a completed message; make a retried one
/// visible again after its delay (the next receive raises its dequeue count, so the attempt counts); replace a deferred
/// or held one by a fresh copy that keeps the attempts used so far; move one that is not an update to the poison queue.
/// </summary>
/// <remarks>
/// A held copy is visible at once: the standalone drainer stops receiving while the connection is paused and must
/// find it the moment a new authorization resumes delivery. Storage failures propagate (the messages reappear after
/// their visibility timeout and are delivered again, which changes nothing).
/// </remarks>
/// <param name="queue">The update queue the messages came from.</param>
/// <param name="poison">The queue that keeps messages that are not updates.</param>
/// <param name="time">The clock.</param>
public sealed class StorageQueueSettler(QueueClient queue, QueueClient poison, TimeProvider time) : IMessageSettler<QueueMessage>
{
    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public bool CanRetryInPlace => true;

    /// <inheritdoc />
    public bool StopsReceivingWhilePaused => true;

    /// <inheritdoc />
    public async Task<string> SetAsideAsync(ReceivedMessage<QueueMessage> message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await poison.SendMessageAsync(message.Body, timeToLive: StorageQueueUpdateQueue.NeverExpires, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.Handle.MessageId, message.Handle.PopReceipt, cancellationToken);
        return "queue " + poison.Name;
    }

    /// <inheritdoc />
    public Task SettleAsync(IReadOnlyList<(ReceivedMessage<QueueMessage> Message, Settlement Settlement)> settlements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlements);

        // Each message's settlement is independent of the others': apply them concurrently (one round trip, not 32).
        return Task.WhenAll(settlements.Select(s => SettleAsync(s.Message.Handle, s.Settlement, cancellationToken)));
    }

    private async Task SettleAsync(QueueMessage message, Settlement settlement, CancellationToken cancellationToken)
    {
        switch (settlement)
        {
            case Settlement.Complete:
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                break;
            case Settlement.RetryInPlace retry:
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: Clamp(retry.Delay), cancellationToken: cancellationToken);
                break;
            case Settlement.Successor successor:
                // Sent before the original is deleted: a crash in between duplicates the update rather than losing it.
                await queue.SendMessageAsync(
                    successor.Body,
                    visibilityTimeout: Clamp(successor.VisibleAt - time.GetUtcNow()),
                    timeToLive: StorageQueueUpdateQueue.NeverExpires,
                    cancellationToken: cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"Unknown settlement {settlement.GetType().Name}.");
        }
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay < MaxVisibilityDelay ? delay : MaxVisibilityDelay;
}

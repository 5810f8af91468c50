using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing.StorageQueues;

/// <summary>Queues prospect updates on an Azure Storage queue (Azurite locally): the standalone runtime's queue.</summary>
public sealed class StorageQueueUpdateQueue(QueueClient queue) : IUpdateQueue
{
    /// <summary>
    /// A message time-to-live that never expires. Storage queue messages expire after 7 days by default, which would
    /// silently drop updates that wait out a long pause (a connection needing re-authorization).
    /// </summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>The queue the updates go to.</summary>
    public QueueClient Queue => queue;

    /// <inheritdoc />
    public async Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);

        // The updates of one export travel as one message (more only past the size limit): one queue write per export
        // rather than one per profile keeps ingest's answer fast on a busy account, and the drainer deletes one message.
        await Task.WhenAll(UpdateBatchFormat.Serialize([.. updates.Select(update => new QueuedUpdate(update, 0))]).Select(message =>
            queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken)));
    }
}

/// <summary>
/// Receives one batch from a Storage queue. A receive returns at most 32 messages, so a larger batch is gathered from
/// several receives: coalescing and bulk writes then see more updates of a prospect and more prospects at once.
/// </summary>
/// <param name="queue">The update queue.</param>
/// <param name="time">The clock the gathering wait runs on.</param>
public sealed class StorageQueueReceiver(QueueClient queue, TimeProvider time)
{
    /// <summary>The most messages one Storage-queue receive returns.</summary>
    public const int MaxPerReceive = 32;

    /// <summary>
    /// Receives up to <paramref name="batchSize"/> messages, each invisible for <paramref name="visibilityTimeout"/>.
    /// Receives again at once while the queue has more; once it has none, a batch already begun waits for more up to
    /// <paramref name="gatherWait"/> in all (polling every <paramref name="pollInterval"/>). An empty queue returns an
    /// empty batch at once.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMessage<QueueMessage>>> ReceiveAsync(
        int batchSize, TimeSpan visibilityTimeout, TimeSpan gatherWait, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var gatherUntil = time.GetUtcNow() + gatherWait;
        var received = new List<ReceivedMessage<QueueMessage>>(Math.Min(batchSize, MaxPerReceive));
        while (received.Count < batchSize)
        {
            var asked = Math.Min(MaxPerReceive, batchSize - received.Count);
            var messages = (await queue.ReceiveMessagesAsync(asked, visibilityTimeout, cancellationToken)).Value;
            received.AddRange(messages.Select(m => new ReceivedMessage<QueueMessage>(m.MessageId, m.Body, (int)m.DequeueCount, m)));
            if (messages.Length < asked && !await WaitForMoreAsync(received.Count, gatherUntil, pollInterval, cancellationToken))
            {
                break;
            }
        }

        return received;
    }

    // The queue had no more: wait a poll interval when a batch has begun and the gathering time is not over.
    private async Task<bool> WaitForMoreAsync(int receivedSoFar, DateTimeOffset gatherUntil, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        var left = gatherUntil - time.GetUtcNow();
        if (receivedSoFar == 0 || left <= TimeSpan.Zero)
        {
            return false;
        }

        await Task.Delay(left < pollInterval ? left : pollInterval, time, cancellationToken);
        return true;
    }
}

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

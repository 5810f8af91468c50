using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Outreach.Connector.Queueing.Receiving;

namespace Outreach.Connector.Queueing.StorageQueues;

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

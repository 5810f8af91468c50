using Azure.Storage.Queues;
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

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

        // AEP sends at most ten profiles per request: sending them concurrently keeps ingest well under AEP's 2 s limit.
        await Task.WhenAll(updates.Select(update =>
            queue.SendMessageAsync(ProspectUpdateFormat.SerializeToString(update), visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken)));
    }
}

using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>
/// The queue Ingest sends to in Azure: the Service Bus update queue, every update with its content-derived
/// <see cref="UpdateMessageId"/>, all of one export in one broker batch when they fit.
/// </summary>
/// <remarks>
/// A refused send throws <see cref="ServiceBusSendException"/> and Ingest answers AEP 503, so AEP retries the export.
/// Whatever part of the export was sent before the failure carries the same ids the retry will, so the queue's duplicate
/// detection drops it the second time: nothing is queued twice, nothing half-queued is lost.
/// </remarks>
public sealed class ServiceBusIngestQueue(IServiceBusMessageSender sender) : IUpdateQueue
{
    /// <inheritdoc />
    /// <exception cref="ServiceBusSendException">The broker did not accept every update.</exception>
    public async Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var messages = updates
            .Select(u => new ServiceBusOutgoingMessage(ProspectUpdateFormat.SerializeToString(u)) { MessageId = UpdateMessageId.For(u) })
            .ToList();
        (await sender.SendBatchAsync(messages, cancellationToken)).EnsureSent();
    }
}

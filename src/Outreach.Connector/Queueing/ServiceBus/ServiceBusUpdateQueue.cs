using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>
/// Queues prospect updates on the Service Bus update queue (<c>Delivery:QueueName</c>) through
/// <see cref="IServiceBusMessageSender"/>: the queue replay uses in Azure, from the Functions app's Replay function and
/// from the <c>replay</c> command. Ingest uses <see cref="ServiceBusIngestQueue"/>.
/// </summary>
/// <remarks>
/// Each message gets a fresh random id, not the update's <see cref="UpdateMessageId"/>: a replay within the duplicate
/// detection window of the update's first ingest must not be dropped as a copy of it. A refused send throws
/// <see cref="ServiceBusSendException"/>, which <c>FailureReplay</c> turns into "these entries stay in the ledger"; the
/// body is the update's queue format, so Deliver reads replays like any update.
/// </remarks>
public sealed class ServiceBusUpdateQueue(IServiceBusMessageSender sender) : IUpdateQueue
{
    /// <inheritdoc />
    /// <exception cref="ServiceBusSendException">The broker did not accept every update.</exception>
    public async Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var messages = updates
            .Select(u => new ServiceBusOutgoingMessage(ProspectUpdateFormat.SerializeToString(u)) { MessageId = "replay-" + Guid.NewGuid().ToString("N") })
            .ToList();
        (await sender.SendBatchAsync(messages, cancellationToken)).EnsureSent();
    }
}

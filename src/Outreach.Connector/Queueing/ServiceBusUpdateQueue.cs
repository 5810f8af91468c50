using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing;

/// <summary>
/// Queues prospect updates on the Service Bus update queue (<c>Delivery:QueueName</c>) through the REST API
/// (<see cref="ServiceBusRestSender"/>), one batch request per call: the queue replay uses in Azure, from the Functions
/// app's Replay function and from the <c>replay</c> command. Not the Ingest function's queue: Ingest hands its updates to
/// the host's Service Bus output binding.
/// </summary>
/// <remarks>
/// The broker takes a batch whole or not at all; a refused batch throws <see cref="ServiceBusSendException"/>, which
/// <c>FailureReplay</c> turns into "these entries stay in the ledger". The body is the update's queue format, the same
/// text the output binding writes, so Deliver reads both alike.
/// </remarks>
public sealed class ServiceBusUpdateQueue(ServiceBusRestSender sender) : IUpdateQueue
{
    /// <inheritdoc />
    /// <exception cref="ServiceBusSendException">The broker did not accept the batch.</exception>
    public async Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var messages = updates.Select(u => new ServiceBusOutgoingMessage(ProspectUpdateFormat.SerializeToString(u))).ToList();
        (await sender.SendBatchAsync(messages, cancellationToken)).EnsureSent();
    }
}

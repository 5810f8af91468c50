namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>Sends messages to the Service Bus update queue: Ingest's updates, Deliver's scheduled copies and replays.</summary>
/// <remarks>
/// The one implementation is <see cref="ServiceBusMessageSender"/> (the <c>Azure.Messaging.ServiceBus</c> client); the
/// interface is the seam callers depend on, so they switch transport by registration only.
/// </remarks>
public interface IServiceBusMessageSender
{
    /// <summary>
    /// Sends the messages in as few broker batches as fit (each batch is taken whole or not at all), in order, and
    /// stops at the first refused batch. Expected failures are results, not exceptions; an empty list sends nothing.
    /// </summary>
    Task<ServiceBusSendResult> SendBatchAsync(IReadOnlyList<ServiceBusOutgoingMessage> messages, CancellationToken cancellationToken);
}

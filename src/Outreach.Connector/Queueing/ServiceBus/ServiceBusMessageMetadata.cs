namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>
/// The broker metadata of a received Service Bus message that the receive side uses: the handle of a
/// <see cref="Receiving.ReceivedMessage{THandle}"/> on this transport. A value is null when the host did not send it.
/// </summary>
/// <param name="DeliveryCount">The broker's delivery count, this delivery included.</param>
/// <param name="SequenceNumber">The broker's sequence number.</param>
/// <param name="EnqueuedTime">When the broker accepted the message.</param>
/// <param name="ExpiresAt">When the message expires: its copies expire then too.</param>
/// <param name="CorrelationId">The sender's correlation id, passed on to copies.</param>
/// <param name="ContentType">The sender's content type.</param>
public sealed record ServiceBusMessageMetadata(
    int? DeliveryCount, long? SequenceNumber, DateTimeOffset? EnqueuedTime, DateTimeOffset? ExpiresAt, string? CorrelationId, string? ContentType);

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>How a send to Service Bus ended.</summary>
public enum ServiceBusSendStatus
{
    /// <summary>The broker accepted the message(s).</summary>
    Sent = 0,

    /// <summary>The namespace is busy (<c>ServiceBusy</c>): send again later.</summary>
    Throttled = 1,

    /// <summary>A timeout or a communication problem the client's own retries did not overcome: send again later.</summary>
    Transient = 2,

    /// <summary>No token, or the identity lacks the role Azure Service Bus Data Sender (or the entity is not the identity's to write).</summary>
    Unauthorized = 3,

    /// <summary>The namespace quota is exceeded, or one message is larger than a batch may be.</summary>
    QuotaExceededOrTooLarge = 4,

    /// <summary>The queue does not exist, or is disabled.</summary>
    EntityNotFound = 5,

    /// <summary>The request itself is wrong (a bad property); sending it again will not help.</summary>
    Rejected = 6,
}

namespace Outreach.Connector.Queueing;

/// <summary>How a send to Service Bus ended.</summary>
public enum ServiceBusSendStatus
{
    /// <summary>201: the broker accepted the message(s).</summary>
    Sent = 0,

    /// <summary>429, or 503 (server busy): send again later, after <see cref="ServiceBusSendResult.RetryAfter"/> when given.</summary>
    Throttled = 1,

    /// <summary>A network failure, a timeout, 408 or another 5xx: send again later.</summary>
    Transient = 2,

    /// <summary>401 twice (the second time with a fresh token): the identity lacks Azure Service Bus Data Sender, or the token is for another audience.</summary>
    Unauthorized = 3,

    /// <summary>403: the namespace quota is exceeded or the message is too large (Service Bus uses 403 for both).</summary>
    QuotaExceededOrTooLarge = 4,

    /// <summary>404 or 410: the queue does not exist (any more).</summary>
    EntityNotFound = 5,

    /// <summary>400 or another 4xx: the request itself is wrong (a bad property, a malformed batch); sending it again will not help.</summary>
    Rejected = 6,
}

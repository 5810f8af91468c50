namespace Outreach.Connector.Queueing;

/// <summary>The outcome of one send (single message or batch): a status and a sentence for logs.</summary>
/// <param name="Status">How the send ended.</param>
/// <param name="HttpStatus">The broker's HTTP status, or null when no answer arrived.</param>
/// <param name="Message">What happened, for logs; includes the broker's error detail when it gave one.</param>
/// <param name="RetryAfter">How long the broker asked to wait (Retry-After), if it did.</param>
public sealed record ServiceBusSendResult(ServiceBusSendStatus Status, int? HttpStatus, string Message, TimeSpan? RetryAfter = null)
{
    /// <summary>True when the broker accepted the message(s).</summary>
    public bool Succeeded => Status == ServiceBusSendStatus.Sent;

    /// <summary>True when the same send may succeed later (throttling, transient failures).</summary>
    public bool IsRetryable => Status is ServiceBusSendStatus.Throttled or ServiceBusSendStatus.Transient;

    /// <summary>Throws <see cref="ServiceBusSendException"/> unless the send succeeded.</summary>
    public ServiceBusSendResult EnsureSent() => Succeeded ? this : throw new ServiceBusSendException(this);
}

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>The outcome of one send (one or more broker batches): a status and a sentence for logs.</summary>
/// <param name="Status">How the send ended.</param>
/// <param name="Message">What happened, for logs; includes the client library's reason when it gave one.</param>
public sealed record ServiceBusSendResult(ServiceBusSendStatus Status, string Message)
{
    /// <summary>True when the broker accepted every message.</summary>
    public bool Succeeded => Status == ServiceBusSendStatus.Sent;

    /// <summary>True when the same send may succeed later (throttling, transient failures).</summary>
    public bool IsRetryable => Status is ServiceBusSendStatus.Throttled or ServiceBusSendStatus.Transient;

    /// <summary>Throws <see cref="ServiceBusSendException"/> unless the send succeeded.</summary>
    public ServiceBusSendResult EnsureSent() => Succeeded ? this : throw new ServiceBusSendException(this);
}

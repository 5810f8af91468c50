namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>A send to Service Bus did not succeed (thrown by <see cref="ServiceBusSendResult.EnsureSent"/>).</summary>
public sealed class ServiceBusSendException : Exception
{
    /// <summary>Creates the exception for a failed send.</summary>
    public ServiceBusSendException(ServiceBusSendResult result)
        : base((result ?? throw new ArgumentNullException(nameof(result))).Message) => Result = result;

    /// <summary>Creates the exception.</summary>
    public ServiceBusSendException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ServiceBusSendException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ServiceBusSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The failed send, when the exception came from one.</summary>
    public ServiceBusSendResult? Result { get; }
}

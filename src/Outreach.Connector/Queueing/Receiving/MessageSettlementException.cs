namespace Outreach.Connector.Queueing.Receiving;

/// <summary>
/// A transport could not settle a message as decided (a copy not sent, an undecodable message not kept): completing
/// the batch would lose something, so the transport must redeliver it. The message says what, for the host's log.
/// </summary>
public sealed class MessageSettlementException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MessageSettlementException()
    {
    }

    /// <summary>Creates the exception with what could not be settled.</summary>
    public MessageSettlementException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with what could not be settled and why.</summary>
    public MessageSettlementException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

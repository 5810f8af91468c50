namespace OutreachFunctions.Functions.Protocol;

/// <summary>The Functions host sent an invocation request this handler cannot read; the message says what was wrong.</summary>
public sealed class InvocationFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvocationFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvocationFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the parser's exception.</summary>
    public InvocationFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

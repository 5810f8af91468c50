using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Invocation;

/// <summary>How a function's body ended: <see cref="FunctionRunner"/> turns it into the answer to the host.</summary>
public abstract record FunctionOutcome
{
    private FunctionOutcome()
    {
    }

    /// <summary>The invocation succeeded: the host gets 200 with <paramref name="Response"/> (HTTP functions) and the log lines.</summary>
    /// <param name="Response">The <c>Outputs.res</c> of an HTTP-triggered function; null for any other trigger.</param>
    /// <param name="Logs">Lines the host logs for the invocation; never personal data or secrets.</param>
    public sealed record Completed(HttpOutput? Response, IReadOnlyList<string> Logs) : FunctionOutcome;

    /// <summary>The function could not do what it must (e.g. keep a message it must keep): the invocation fails.</summary>
    /// <param name="Reason">One line naming what failed.</param>
    public sealed record Failed(string Reason) : FunctionOutcome;
}

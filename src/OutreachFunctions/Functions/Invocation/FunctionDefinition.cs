using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Invocation;

/// <summary>
/// What <see cref="FunctionRunner"/> needs to know about a function: its name (its folder under function-definitions/
/// and the handler path the host POSTs to) and how its trigger answers a failure. Mapped functions carry it as endpoint
/// metadata, so the settings check (<see cref="Misconfigured.MisconfiguredAnswers"/>) answers in the same way.
/// </summary>
public sealed class FunctionDefinition
{
    private FunctionDefinition(string name, Func<FunctionFailure, HttpOutput>? httpFailure)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        HttpFailure = httpFailure;
    }

    /// <summary>The function's name.</summary>
    public string Name { get; }

    /// <summary>
    /// For an HTTP-triggered function, the response its caller gets when the invocation fails (the host itself gets 200,
    /// so the caller reads the answer); null for any other trigger, whose failure fails the invocation so the host retries.
    /// </summary>
    public Func<FunctionFailure, HttpOutput>? HttpFailure { get; }

    /// <summary>True for an HTTP-triggered function (<c>Data.req</c> in, <c>Outputs.res</c> out).</summary>
    public bool IsHttp => HttpFailure is not null;

    /// <summary>An HTTP-triggered function; a failure is answered with <paramref name="failure"/>, by default a plain-text 500.</summary>
    public static FunctionDefinition Http(string name, Func<FunctionFailure, HttpOutput>? failure = null) =>
        new(name, failure ?? Functions.Http.HttpFunction.TextFailure);

    /// <summary>A function with any other trigger (Service Bus, timer): a failure fails the invocation.</summary>
    public static FunctionDefinition Triggered(string name) => new(name, null);
}

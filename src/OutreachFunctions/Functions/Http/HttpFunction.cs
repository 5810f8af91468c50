using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Http;

/// <summary>
/// What every HTTP-only function (<c>httpTrigger</c> <c>req</c> in, <c>http</c> <c>res</c> out) shares in the host's
/// envelope mode: the binding names, the response headers and the plain-text answers (docs/reference/functions-host.md
/// §2.1, §3). With <c>enableForwardingHttpRequest: false</c> every function, Ingest included, speaks the same protocol;
/// <see cref="FunctionRunner"/> runs them.
/// </summary>
public static class HttpFunction
{
    /// <summary>The <c>httpTrigger</c> binding of every HTTP function.</summary>
    public const string TriggerBinding = "req";

    /// <summary>The <c>http</c> output binding of every HTTP function.</summary>
    public const string ResponseBinding = "res";

    /// <summary>Headers every page or document of these functions carries: nothing cached, sniffed, framed or referred.</summary>
    public static IReadOnlyDictionary<string, string> NoStoreHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Cache-Control"] = "no-store",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
    };

    /// <summary>A plain-text response with <see cref="NoStoreHeaders"/>.</summary>
    public static HttpOutput Text(int statusCode, string text) => new(statusCode, text, "text/plain; charset=utf-8", NoStoreHeaders);

    /// <summary>The caller's answer to a failed invocation: a plain-text 500 that names the invocation id, never the cause.</summary>
    public static HttpOutput TextFailure(FunctionFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Text(
            StatusCodes.Status500InternalServerError,
            failure.Kind == FunctionFailureKind.UnreadableEnvelope
                ? "The Functions host sent a request the connector cannot read."
                : "The connector failed unexpectedly; the logs carry the invocation id " + failure.InvocationId + ".");
    }
}

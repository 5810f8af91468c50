using System.Text;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Monitoring;

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

    /// <summary>The error code of a 503 answered because a dependency is down or slow.</summary>
    public const string DependencyUnavailableCode = "dependency_unavailable";

    /// <summary>Headers every page or document of these functions carries: nothing cached, sniffed, framed or referred.</summary>
    public static IReadOnlyDictionary<string, string> NoStoreHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Cache-Control"] = "no-store",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
    };

    /// <summary>A plain-text response with <see cref="NoStoreHeaders"/>.</summary>
    public static HttpOutput Text(int statusCode, string text) => new(statusCode, text, "text/plain; charset=utf-8", NoStoreHeaders);

    /// <summary>A JSON error answer, <c>{"error":{"code","message"}}</c>, with <see cref="NoStoreHeaders"/>.</summary>
    public static HttpOutput JsonError(int statusCode, string code, string message)
    {
        // The one writer of that shape, shared with the status and admin answers.
        var answer = MonitoringAnswers.Error(statusCode, code, message);
        return new HttpOutput(statusCode, Encoding.UTF8.GetString(answer.Body), answer.ContentType, NoStoreHeaders);
    }

    /// <summary>
    /// The caller's answer to a failed invocation: 503 JSON <c>dependency_unavailable</c> with the reason when a dependency
    /// (storage, Key Vault, Outreach, Service Bus) is down or slow, so the caller knows to retry; otherwise a plain-text
    /// 500 that names the invocation id, never the cause.
    /// </summary>
    public static HttpOutput TextFailure(FunctionFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure.Kind == FunctionFailureKind.DependencyUnavailable)
        {
            return JsonError(StatusCodes.Status503ServiceUnavailable, DependencyUnavailableCode, failure.Reason);
        }

        return Text(
            StatusCodes.Status500InternalServerError,
            failure.Kind == FunctionFailureKind.UnreadableEnvelope
                ? "The Functions host sent a request the connector cannot read."
                : "The connector failed unexpectedly; the logs carry the invocation id " + failure.InvocationId + ".");
    }
}

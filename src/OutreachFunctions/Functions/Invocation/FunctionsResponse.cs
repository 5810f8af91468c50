using System.Text;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Invocation;

/// <summary>
/// The two ways the handler answers the Functions host: an <see cref="InvocationResult"/> with HTTP 200 (the invocation
/// succeeded; an HTTP caller gets <c>Outputs.res</c>), or HTTP 500 (the invocation failed: docs/reference/functions-host.md
/// §3, the host ignores the body and logs, abandons a Service Bus batch and retries a timer later).
/// </summary>
public static class FunctionsResponse
{
    /// <summary>Writes the result: always HTTP 200.</summary>
    public static Task WriteAsync(HttpContext context, InvocationResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = InvocationResult.ContentType;
        return context.Response.Body.WriteAsync(result.ToUtf8Json(), context.RequestAborted).AsTask();
    }

    /// <summary>Fails the invocation: HTTP 500 with <paramref name="body"/>, which only the handler's caller logs see.</summary>
    public static Task WriteFailureAsync(HttpContext context, string body, string contentType)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = contentType;
        return context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), context.RequestAborted).AsTask();
    }
}

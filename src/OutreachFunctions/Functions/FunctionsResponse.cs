using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions;

/// <summary>Writes an <see cref="InvocationResult"/> as the answer to the Functions host: always HTTP 200.</summary>
public static class FunctionsResponse
{
    /// <summary>Writes the result.</summary>
    public static Task WriteAsync(HttpContext context, InvocationResult result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = InvocationResult.ContentType;
        return context.Response.Body.WriteAsync(result.ToUtf8Json(), context.RequestAborted).AsTask();
    }
}

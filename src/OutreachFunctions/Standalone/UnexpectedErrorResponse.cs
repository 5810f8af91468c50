using Outreach.Connector.Ingest;

namespace OutreachFunctions.Standalone;

/// <summary>The answer to a request that failed on a bug: 500 with a JSON body and no internals.</summary>
public static class UnexpectedErrorResponse
{
    /// <summary>Writes the answer; the exception itself is logged by the exception handler middleware.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = IngestResponse.Error(
            StatusCodes.Status500InternalServerError,
            "internal_error",
            "The connector failed unexpectedly; the request was not processed. Retry later; the logs carry the trace id " + context.TraceIdentifier + ".");
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = IngestResponse.ContentType;
        return context.Response.Body.WriteAsync(response.Body).AsTask();
    }
}

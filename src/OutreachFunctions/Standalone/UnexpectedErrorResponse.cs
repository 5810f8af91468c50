using Microsoft.AspNetCore.Diagnostics;
using Outreach.Connector.Ingest;
using Outreach.Connector.Monitoring;

namespace OutreachFunctions.Standalone;

/// <summary>The answer to a request that failed: 500 with a JSON body and no internals for a bug, 503 for a dependency that is down.</summary>
public static class UnexpectedErrorResponse
{
    /// <summary>
    /// Writes the answer; the exception itself is logged by the exception handler middleware. A dependency that is down
    /// or slow (storage, the token store, Outreach) is not a bug: 503 <c>dependency_unavailable</c> with the reason, as
    /// the Functions app answers.
    /// </summary>
    public static Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var response = failure is not null && DependencyRead.IsFailure(failure)
            ? IngestResponse.Error(
                StatusCodes.Status503ServiceUnavailable,
                "dependency_unavailable",
                $"The connector could not reach a service it depends on ({DependencyRead.Describe(failure)}); try again in a minute.")
            : IngestResponse.Error(
                StatusCodes.Status500InternalServerError,
                "internal_error",
                "The connector failed unexpectedly; the request was not processed. Retry later; the logs carry the trace id " + context.TraceIdentifier + ".");
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = IngestResponse.ContentType;
        return context.Response.Body.WriteAsync(response.Body).AsTask();
    }
}

using Microsoft.AspNetCore.Diagnostics;
using Outreach.Connector.Ingest;
using Outreach.Connector.Monitoring;

namespace OutreachFunctions.Standalone;

/// <summary>The answer to a request that failed: 500 with a JSON body and no internals for a bug, 503 for a dependency that is down.</summary>
public static partial class UnexpectedErrorResponse
{
    /// <summary>
    /// The exception handler's options: <see cref="WriteAsync"/> answers, and the middleware's own diagnostics (the
    /// exception with its stack at Error) are kept for bugs only; a dependency failure is logged by
    /// <see cref="WriteAsync"/> as one line.
    /// </summary>
    public static ExceptionHandlerOptions Options() => new()
    {
        ExceptionHandler = WriteAsync,
        SuppressDiagnosticsCallback = context => DependencyRead.IsFailure(context.Exception),
    };

    /// <summary>
    /// Writes the answer. A bug is logged by the exception handler middleware (with its stack). A dependency that is
    /// down or slow (storage, the token store, Outreach) is not a bug: 503 <c>dependency_unavailable</c> with the reason,
    /// as the Functions app answers, logged here as one warning line without a stack trace.
    /// </summary>
    public static Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var dependency = failure is not null && DependencyRead.IsFailure(failure);
        if (dependency && context.RequestServices?.GetService<ILoggerFactory>() is { } loggers)
        {
            LogDependencyFailure(loggers.CreateLogger(typeof(UnexpectedErrorResponse).FullName!), context.Request.Path.Value ?? "", DependencyRead.Describe(failure!));
        }

        var response = dependency
            ? IngestResponse.Error(
                StatusCodes.Status503ServiceUnavailable,
                "dependency_unavailable",
                $"The connector could not reach a service it depends on ({DependencyRead.Describe(failure!)}); try again in a minute.")
            : IngestResponse.Error(
                StatusCodes.Status500InternalServerError,
                "internal_error",
                "The connector failed unexpectedly; the request was not processed. Retry later; the logs carry the trace id " + context.TraceIdentifier + ".");
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = IngestResponse.ContentType;
        return context.Response.Body.WriteAsync(response.Body).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: a service the connector depends on is unavailable: {Problem}")]
    private static partial void LogDependencyFailure(ILogger logger, string path, string problem);
}

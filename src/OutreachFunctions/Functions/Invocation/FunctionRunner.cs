using Outreach.Connector.Monitoring;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Invocation;

/// <summary>
/// The one wrapper every function runs in: it reads the host's envelope, runs the function's body, applies one failure
/// policy and answers the host one way (<see cref="FunctionsResponse"/>). Its settings step runs just before it, right
/// after routing, because a function's services may not even be built with bad settings
/// (<see cref="Misconfigured.MisconfiguredAnswers"/>, which answers each function as this failure policy does).
/// </summary>
/// <remarks>
/// <para>Failure policy: a dependency that is down or slow (<see cref="DependencyRead.IsFailure"/>) is not a bug: an
/// HTTP caller gets 503 <c>dependency_unavailable</c> with the reason (one Logs line, no stack trace). An unreadable
/// envelope, any other exception or a <see cref="FunctionOutcome.Failed"/> fails the invocation. For an HTTP-triggered function that means the host still gets 200 and the caller gets the function's
/// failure response (a 500 naming the invocation id), so the caller reads why; for any other trigger the host gets 500,
/// so Service Bus redelivers the batch and a timer runs again. When the host gave up on the invocation (timeout,
/// shutdown) nothing is answered: the host already failed it.</para>
/// <para>Each invocation logs under the host's invocation id (a logging scope) in the category
/// <c>OutreachFunctions.Functions.&lt;Name&gt;</c>.</para>
/// </remarks>
public sealed partial class FunctionRunner(ILoggerFactory loggers)
{
    private const string LoggerCategoryPrefix = "OutreachFunctions.Functions.";

    /// <summary>Runs an HTTP function whose body turns the request into a response; the host logs "<c>Name answered status.</c>".</summary>
    public Task RunHttpAsync(HttpContext context, FunctionDefinition function, Func<HttpTriggerRequest, CancellationToken, Task<HttpOutput>> handle)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(handle);
        return RunAsync(context, function, async (invocation, _, cancellationToken) =>
        {
            var response = await handle(invocation.GetHttpRequest(HttpFunction.TriggerBinding), cancellationToken);
            return new FunctionOutcome.Completed(response, [$"{function.Name} answered {response.StatusCode}."]);
        });
    }

    /// <summary>Runs a function: reads the envelope, runs <paramref name="run"/> with the invocation's logger, and answers the host.</summary>
    public async Task RunAsync(HttpContext context, FunctionDefinition function, Func<InvocationRequest, ILogger, CancellationToken, Task<FunctionOutcome>> run)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(run);
        var logger = loggers.CreateLogger(LoggerCategoryPrefix + function.Name);
        var invocationId = context.Request.Headers[FunctionsHeaders.InvocationId].ToString();
        using var scope = logger.BeginScope("InvocationId {InvocationId}", invocationId);
        FunctionOutcome outcome;
        try
        {
            using var invocation = await InvocationRequest.ReadAsync(context.Request.Body, context.RequestAborted);
            outcome = await run(invocation, logger, context.RequestAborted);
        }
        catch (InvocationFormatException ex)
        {
            LogUnreadable(logger, function.Name, ex.Message);
            await FailAsync(context, function, new FunctionFailure(
                FunctionFailureKind.UnreadableEnvelope, $"The Functions host sent a {function.Name} request the connector cannot read: {ex.Message}", invocationId), logger);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The host gave up on the invocation (timeout, shutdown): it has failed it already, and nobody reads an answer.
            return;
        }
        catch (Exception ex) when (DependencyRead.IsFailure(ex))
        {
            // Expected when storage, Key Vault or Outreach is down: no stack trace. An HTTP caller gets 503 with the
            // reason and the invocation's Logs carry it (one entry); any other trigger fails, logged once below.
            await FailAsync(context, function, new FunctionFailure(
                FunctionFailureKind.DependencyUnavailable,
                $"{function.Name} could not reach a service it depends on ({DependencyRead.Describe(ex)}); try again in a minute.",
                invocationId), logger);
            return;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, function.Name);
            await FailAsync(context, function, new FunctionFailure(
                FunctionFailureKind.Unexpected, $"{function.Name} failed unexpectedly: {ex.GetType().Name}; the logs carry the invocation id {invocationId}.", invocationId), logger);
            return;
        }

        switch (outcome)
        {
            case FunctionOutcome.Completed completed:
                await FunctionsResponse.WriteAsync(context, Result(completed.Response, completed.Logs));
                break;
            case FunctionOutcome.Failed failed:
                await FailAsync(context, function, new FunctionFailure(FunctionFailureKind.Reported, failed.Reason, invocationId), logger);
                break;
            default:
                throw new InvalidOperationException("A function outcome the runner does not know: " + outcome.GetType().Name);
        }
    }

    // The one failure policy: an HTTP caller gets the function's failure response (the host 200), any other trigger fails
    // the invocation (the host 500) so the host retries it.
    private static Task FailAsync(HttpContext context, FunctionDefinition function, FunctionFailure failure, ILogger logger)
    {
        if (function.HttpFailure is { } respond)
        {
            var response = respond(failure);
            return FunctionsResponse.WriteAsync(context, Result(response, [$"{function.Name} answered {response.StatusCode}: {failure.Reason}"]));
        }

        LogInvocationFailed(logger, function.Name, failure.Reason);
        return FunctionsResponse.WriteFailureAsync(context, failure.Reason, "text/plain; charset=utf-8");
    }

    private static InvocationResult Result(HttpOutput? response, IEnumerable<string> logs)
    {
        var result = new InvocationResult();
        if (response is not null)
        {
            result.SetHttpResponse(HttpFunction.ResponseBinding, response.StatusCode, response.Body, response.ContentType, response.Headers);
        }

        foreach (var line in logs)
        {
            result.Log(line);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The Functions host sent an unreadable {Function} request: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string function, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} invocation failed; the host retries it (Service Bus redelivers a batch): {Reason}")]
    private static partial void LogInvocationFailed(ILogger logger, string function, string reason);
}

using System.Text;
using System.Text.Json;
using Outreach.Connector.Tokens;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Functions.KeepAlive;

/// <summary>
/// The <c>KeepAlive</c> function (function-definitions/KeepAlive/function.json): a <c>timerTrigger</c> every 6 hours that runs
/// <see cref="ConnectionKeepAlive.RefreshIfIdleAsync"/>, so an idle connection's refresh token is rotated (after 7 days
/// by default) long before Outreach's 14-day limit.
/// </summary>
/// <remarks>
/// Every expected result (nothing to do, refreshed, not connected, needs re-authorization, a refresh that failed for
/// now) is a successful invocation with one log line; needs re-authorization carries the marker the alert looks for.
/// Only a bug fails the invocation (500). The timer's data (<c>Data.timer</c>: <c>ScheduleStatus</c>,
/// <c>IsPastDue</c>) is read only to log a late run; its exact shape under a custom handler is UNCONFIRMED, so it is
/// optional.
/// </remarks>
public static partial class KeepAliveFunction
{
    /// <summary>The function's name.</summary>
    public const string Name = "KeepAlive";

    /// <summary>The <c>timerTrigger</c> binding.</summary>
    public const string TriggerBinding = "timer";

    /// <summary>Maps <c>POST /KeepAlive</c>.</summary>
    public static IEndpointRouteBuilder MapKeepAliveFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + Name, HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, ConnectionKeepAlive keepAlive, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(KeepAliveFunction).FullName!);
        var invocationId = context.Request.Headers[FunctionsHeaders.InvocationId].ToString();
        using var scope = logger.BeginScope("InvocationId {InvocationId}", invocationId);
        var answer = new InvocationResult();
        try
        {
            using (var invocation = await InvocationRequest.ReadAsync(context.Request.Body, context.RequestAborted))
            {
                if (IsPastDue(invocation))
                {
                    answer.Log("Keep-alive: the timer is past due (the app was stopped or busy); running now.");
                }
            }

            var result = await keepAlive.RefreshIfIdleAsync(context.RequestAborted);
            var line = KeepAliveOutcome.Describe(result);
            LogResult(logger, KeepAliveOutcome.Level(result), line);
            answer.Log(line);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // A bug or an unreadable envelope: fail the invocation so it shows as a function error.
            LogFailed(logger, ex);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("Keep-alive failed unexpectedly: " + ex.GetType().Name), CancellationToken.None);
            return;
        }

        await FunctionsResponse.WriteAsync(context, answer);
    }

    private static bool IsPastDue(InvocationRequest invocation) =>
        invocation.TryGetData(TriggerBinding, out var timer)
        && EnvelopeValue.TryGetObject(timer, out var info)
        && EnvelopeValue.TryGetProperty(info, "IsPastDue", out var pastDue)
        && EnvelopeValue.Json(pastDue).ValueKind == JsonValueKind.True;

    [LoggerMessage(Message = "{Outcome}")]
    private static partial void LogResult(ILogger logger, LogLevel level, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Keep-alive failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

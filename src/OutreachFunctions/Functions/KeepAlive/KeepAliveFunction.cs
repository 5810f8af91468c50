using Outreach.Connector.Tokens;
using OutreachFunctions.Functions.Invocation;
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
/// Only a bug fails the invocation (500, <see cref="FunctionRunner"/>). The timer's data (<c>Data.timer</c>: <c>ScheduleStatus</c>,
/// <c>IsPastDue</c>) is read only to log a late run; its exact shape under a custom handler is UNCONFIRMED, so it is
/// optional.
/// </remarks>
public static partial class KeepAliveFunction
{
    /// <summary>The function's name.</summary>
    public const string Name = "KeepAlive";

    /// <summary>The <c>timerTrigger</c> binding.</summary>
    public const string TriggerBinding = "timer";

    private static readonly FunctionDefinition Function = FunctionDefinition.Triggered(Name);

    /// <summary>Maps <c>POST /KeepAlive</c>.</summary>
    public static IEndpointRouteBuilder MapKeepAliveFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFunction(Function, (HttpContext context, FunctionRunner runner, ConnectionKeepAlive keepAlive) =>
            runner.RunAsync(context, Function, (invocation, logger, cancellationToken) => RunAsync(invocation, keepAlive, logger, cancellationToken)));
        return endpoints;
    }

    private static async Task<FunctionOutcome> RunAsync(InvocationRequest invocation, ConnectionKeepAlive keepAlive, ILogger logger, CancellationToken cancellationToken)
    {
        var logs = new List<string>();
        if (invocation.IsTimerPastDue(TriggerBinding))
        {
            logs.Add("Keep-alive: the timer is past due (the app was stopped or busy); running now.");
        }

        var outcome = await keepAlive.RefreshIfIdleAsync(cancellationToken);
        var line = KeepAliveLogFormatter.Describe(outcome);
        LogOutcome(logger, KeepAliveLogFormatter.Level(outcome), line);
        logs.Add(line);
        return new FunctionOutcome.Completed(null, logs);
    }


    [LoggerMessage(Message = "{Outcome}")]
    private static partial void LogOutcome(ILogger logger, LogLevel level, string outcome);
}

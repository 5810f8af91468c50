using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Protocol;
using Sweep = Outreach.Connector.Delivery.Operations.SequenceEnrolment.EnrolmentSweep;

namespace OutreachFunctions.Functions.EnrolmentSweep;

/// <summary>
/// The <c>EnrolmentSweep</c> function (function-definitions/EnrolmentSweep/function.json): a <c>timerTrigger</c> every 15
/// seconds that runs <see cref="Sweep.SweepAsync"/>, so
/// enrolments waiting to share an action (<c>Sequences__MaxEnrolmentDelay</c>), held by the guard until the next hour,
/// or waiting for readiness are sent without a new export. With no sequence in the mapping, or nothing waiting (one
/// table query), it does nothing.
/// </summary>
/// <remarks>
/// Every expected result (no sequences, dry run, nothing waits, swept, the store unavailable) is a successful
/// invocation with one log line. Only a bug fails the invocation (500, <see cref="FunctionRunner"/>). The timer's data
/// is read only to log a late run, as the KeepAlive function does (its exact shape under a custom handler is
/// UNCONFIRMED, so it is optional). The timer's schedule is fixed in function.json; <c>Sequences__SweepInterval</c> is
/// the standalone runtime's.
/// </remarks>
public static partial class EnrolmentSweepFunction
{
    /// <summary>The function's name.</summary>
    public const string Name = "EnrolmentSweep";

    /// <summary>The <c>timerTrigger</c> binding.</summary>
    public const string TriggerBinding = "timer";

    private static readonly FunctionDefinition Function = FunctionDefinition.Triggered(Name);

    /// <summary>Maps <c>POST /EnrolmentSweep</c>.</summary>
    public static IEndpointRouteBuilder MapEnrolmentSweepFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFunction(Function, (HttpContext context, FunctionRunner runner, Sweep sweep) =>
            runner.RunAsync(context, Function, (invocation, logger, cancellationToken) => RunAsync(invocation, sweep, logger, cancellationToken)));
        return endpoints;
    }

    private static async Task<FunctionOutcome> RunAsync(
        InvocationRequest invocation, Sweep sweep, ILogger logger, CancellationToken cancellationToken)
    {
        var logs = new List<string>();
        if (invocation.IsTimerPastDue(TriggerBinding))
        {
            logs.Add("Enrolment sweep: the timer is past due (the app was stopped or busy); running now.");
        }

        var result = await sweep.SweepAsync(cancellationToken);
        var line = result.Describe();
        LogOutcome(logger, result.Kind == EnrolmentSweepResult.Kinds.StorageFailed ? LogLevel.Warning : LogLevel.Information, line);
        logs.Add(line);
        return new FunctionOutcome.Completed(null, logs);
    }


    [LoggerMessage(Message = "{Outcome}")]
    private static partial void LogOutcome(ILogger logger, LogLevel level, string outcome);
}

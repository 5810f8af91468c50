using System.Text;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Deliver;

/// <summary>
/// The <c>Deliver</c> function (function-definitions/Deliver/function.json): a <c>serviceBusTrigger</c> on the update queue with
/// <c>cardinality: many</c> and <c>dataType: string</c>; the host POSTs each batch here, to <c>/Deliver</c>.
/// </summary>
/// <remarks>
/// <para>Answer 200 (an <c>{"Outputs":{},"Logs":[…]}</c> body): the invocation succeeded and the host completes every
/// message of the batch; what must be delivered later was already re-enqueued as scheduled copies.</para>
/// <para>Answer 500: the invocation failed (docs/reference/functions-host.md §3: the host's <c>EnsureSuccessStatusCode</c> throws),
/// so the Service Bus extension abandons every message of the batch; the broker redelivers them with DeliveryCount
/// raised and dead-letters them after the queue's <c>maxDeliveryCount</c>. The handler answers 500 when it cannot read
/// the envelope, when the engine throws, or when <see cref="ServiceBusBatchDelivery"/> could not keep something it
/// must keep (a copy not sent, an undecodable message not archived). The host ignores the body and the logs of a
/// failed invocation, so the reason goes to the handler's own log.</para>
/// </remarks>
public static partial class DeliverFunction
{
    /// <summary>The function's name: its folder under function-definitions/ and the handler path the host POSTs to.</summary>
    public const string Name = "Deliver";

    /// <summary>The <c>serviceBusTrigger</c> binding.</summary>
    public const string TriggerBinding = "messages";

    /// <summary>Maps <c>POST /Deliver</c>.</summary>
    public static IEndpointRouteBuilder MapDeliverFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + Name, HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, ServiceBusBatchDelivery delivery, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(DeliverFunction).FullName!);
        var invocationId = context.Request.Headers[FunctionsHeaders.InvocationId].ToString();
        using var scope = logger.BeginScope("InvocationId {InvocationId}", invocationId);
        DeliverOutcome outcome;
        try
        {
            using var invocation = await InvocationRequest.ReadAsync(context.Request.Body, context.RequestAborted);
            var batch = ServiceBusTriggerDecoder.Decode(invocation, TriggerBinding);
            outcome = await delivery.DeliverAsync(batch, context.RequestAborted);
        }
        catch (InvocationFormatException ex)
        {
            LogUnreadableInvocation(logger, ex.Message);
            outcome = DeliverOutcome.Failed([], "The Functions host sent a Deliver request the connector cannot read: " + ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The host gave up on the invocation (timeout, shutdown): it fails it, and the batch is redelivered.
            return;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
            outcome = DeliverOutcome.Failed([], "Deliver failed unexpectedly: " + ex.GetType().Name + "; the logs carry the invocation id " + invocationId + ".");
        }

        if (!outcome.Succeeded)
        {
            LogInvocationFailed(logger, outcome.FailureReason!);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(outcome.FailureReason!), context.RequestAborted);
            return;
        }

        var result = new InvocationResult();
        foreach (var line in outcome.Logs)
        {
            result.Log(line);
        }

        await FunctionsResponse.WriteAsync(context, result);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The Functions host sent an unreadable Deliver request: {Problem}")]
    private static partial void LogUnreadableInvocation(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deliver failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deliver invocation failed; Service Bus will redeliver the batch: {Reason}")]
    private static partial void LogInvocationFailed(ILogger logger, string reason);
}

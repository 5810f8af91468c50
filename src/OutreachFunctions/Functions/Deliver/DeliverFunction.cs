using OutreachFunctions.Functions.Invocation;
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
/// failed invocation, so the reason goes to the handler's own log. <see cref="FunctionRunner"/> applies this policy.</para>
/// </remarks>
public static class DeliverFunction
{
    /// <summary>The function's name: its folder under function-definitions/ and the handler path the host POSTs to.</summary>
    public const string Name = "Deliver";

    /// <summary>The <c>serviceBusTrigger</c> binding.</summary>
    public const string TriggerBinding = "messages";

    private static readonly FunctionDefinition Function = FunctionDefinition.Triggered(Name);

    /// <summary>Maps <c>POST /Deliver</c>.</summary>
    public static IEndpointRouteBuilder MapDeliverFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFunction(Function, (HttpContext context, FunctionRunner runner, ServiceBusBatchDelivery delivery) =>
            runner.RunAsync(context, Function, async (invocation, _, cancellationToken) =>
            {
                var outcome = await delivery.DeliverAsync(ServiceBusTriggerDecoder.Decode(invocation, TriggerBinding), cancellationToken);
                return outcome.Succeeded ? new FunctionOutcome.Completed(null, outcome.Logs) : new FunctionOutcome.Failed(outcome.FailureReason!);
            }));
        return endpoints;
    }
}

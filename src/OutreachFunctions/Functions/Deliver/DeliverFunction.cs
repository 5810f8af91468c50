using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Queueing.ServiceBus;
using Outreach.Connector.Tokens;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Hosting;

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

/// <summary>
/// Delivers one Service Bus trigger batch: turns the host's messages into <see cref="ReceivedMessage{THandle}"/>s, runs
/// the core's <see cref="ReceivedBatchProcessor"/> with the <see cref="ServiceBusSettler"/>, and writes what happened
/// into the invocation's log lines.
/// </summary>
/// <remarks>
/// The invocation fails (<see cref="DeliverOutcome.Succeeded"/> false, the function answers the host 500), and so
/// Service Bus abandons and redelivers the whole batch, whenever completing it would lose something
/// (<see cref="MessageSettlementException"/>: a copy that could not be sent, or an undecodable message that could not
/// be archived). After <c>maxDeliveryCount</c> (10) deliveries Service Bus dead-letters the messages.
/// </remarks>
public sealed partial class ServiceBusBatchDelivery(
    ReceivedBatchProcessor processor,
    ServiceBusSettler settler,
    IConnectionState connection,
    TimeProvider time,
    ILogger<ServiceBusBatchDelivery> logger)
{
    /// <summary>Delivers the batch and says whether the invocation succeeded.</summary>
    /// <remarks>Bugs and cancellation throw; the function fails the invocation for them too.</remarks>
    public async Task<DeliverOutcome> DeliverAsync(ServiceBusTriggerBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var logs = new List<string>();
        foreach (var warning in batch.Warnings)
        {
            LogMetadataWarning(warning);
            logs.Add("Metadata: " + warning);
        }

        var received = batch.Messages.Select(message => Received(message, logs)).ToList();
        ReceivedBatchResult result;
        try
        {
            result = await processor.ProcessAsync(received, settler, cancellationToken);
        }
        catch (MessageSettlementException ex)
        {
            return DeliverOutcome.Failed(logs, ex.Message);
        }

        foreach (var kept in result.SetAside)
        {
            logs.Add($"Message {kept.MessageId} is not a prospect update ({kept.Reason}); archived as {kept.KeptAs} and completed.");
        }

        if (result.Delivery is not { } delivery)
        {
            return DeliverOutcome.Success(logs);
        }

        if (result.ConnectionResumed)
        {
            logs.Add("Delivery resumed: the connection was authorized again.");
        }

        logs.Add(Summary(delivery, result.Settlements.OfType<Settlement.Successor>().ToList(), time.GetUtcNow()));
        if (delivery.ConnectionPaused)
        {
            var reason = connection.Status?.Reason ?? "Outreach refused the connection's credentials";
            logs.Add($"{KeepAliveLogFormatter.NeedsReauthorizationMarker}: delivery is paused ({reason}); updates are held until someone connects through the Connect URL.");
        }

        return DeliverOutcome.Success(logs);
    }

    // The trigger's message in the core's terms; the broker's metadata travels as the handle the settler uses.
    private static ReceivedMessage<ServiceBusMessageMetadata> Received(ServiceBusTriggerMessage message, List<string> logs)
    {
        var id = MessageIdOf(message, logs);
        if (message.DeliveryCount is null)
        {
            logs.Add($"Message {id}: no DeliveryCount in the metadata; counted as the first delivery.");
        }

        var metadata = new ServiceBusMessageMetadata(
            message.DeliveryCount, message.SequenceNumber, message.EnqueuedTime, message.ExpiresAt, message.CorrelationId, message.ContentType);
        return new ReceivedMessage<ServiceBusMessageMetadata>(id, BinaryData.FromString(message.Body), message.DeliveryCount ?? 1, metadata);
    }

    // The broker always sets MessageId; a missing one means the host sent misaligned metadata. A stable stand-in keeps
    // the copy's id stable across redeliveries: the sequence number, else the body's hash.
    private static string MessageIdOf(ServiceBusTriggerMessage message, List<string> logs)
    {
        if (!string.IsNullOrEmpty(message.MessageId))
        {
            return message.MessageId;
        }

        var id = message.SequenceNumber is { } sequence
            ? "seq-" + sequence.ToString(CultureInfo.InvariantCulture)
            : "body-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.Body)).AsSpan(0, 16));
        logs.Add($"Message {message.Index} of the batch has no MessageId in the metadata; called {id}.");
        return id;
    }

    private static string Summary(DeliveryBatchResult result, List<Settlement.Successor> copies, DateTimeOffset now)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"Deliver: {result.Fates.Count} updates: {result.CountDone()} done, {result.Count<MessageFate.Poisoned>()} poisoned (failure ledger), {result.Count<MessageFate.Deferred>()} deferred, {result.Count<MessageFate.RetryLater>()} to retry, {result.Count<MessageFate.Paused>()} paused");
        if (copies.Count > 0)
        {
            var first = copies.Min(c => SuccessorMessage.ScheduleFor(c.VisibleAt, now) ?? DateTimeOffset.MinValue);
            text += string.Create(CultureInfo.InvariantCulture, $"; {copies.Count} copies re-enqueued, the first visible {(first == DateTimeOffset.MinValue ? "at once" : "at " + first.ToString("O", CultureInfo.InvariantCulture))}");
        }

        return text + ".";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deliver: {Warning}")]
    private partial void LogMetadataWarning(string warning);
}

/// <summary>Whether a Deliver invocation succeeded, and the lines for the host's log.</summary>
/// <param name="Succeeded">True: answer 200 and the host completes the batch. False: answer 500 and Service Bus redelivers it.</param>
/// <param name="Logs">Lines for the invocation's log (no personal data, no secrets).</param>
/// <param name="FailureReason">Why the invocation fails, when it does.</param>
public sealed record DeliverOutcome(bool Succeeded, IReadOnlyList<string> Logs, string? FailureReason)
{
    /// <summary>A successful invocation.</summary>
    public static DeliverOutcome Success(IReadOnlyList<string> logs) => new(true, logs, null);

    /// <summary>A failed invocation.</summary>
    public static DeliverOutcome Failed(IReadOnlyList<string> logs, string reason) => new(false, logs, reason);
}

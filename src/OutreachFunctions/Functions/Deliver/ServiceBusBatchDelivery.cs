using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Functions.Deliver;

/// <summary>
/// Delivers one Service Bus trigger batch: reads each body as a queued prospect update, runs the delivery engine, and
/// applies the dispositions the Service Bus way (Delivery/README.md): Complete and Poison need nothing (the host
/// completes the batch when the invocation succeeds); RetryLater, DeferUntil and Hold send a scheduled copy through
/// the REST API (<see cref="SuccessorMessage"/>).
/// </summary>
/// <remarks>
/// <para>The invocation fails (<see cref="DeliverOutcome.Succeeded"/> false, the function answers the host 500), and
/// so Service Bus abandons and redelivers the whole batch, whenever completing it would lose something: a copy that
/// could not be sent, or an undecodable message that could not be archived. Redelivery is safe: updates already
/// applied are dropped by the engine, and copies already sent are dropped by the queue's duplicate detection. After
/// <c>maxDeliveryCount</c> (10) deliveries Service Bus dead-letters the messages.</para>
/// <para>Messages whose body is not a prospect update are archived (<see cref="UndecodableMessageArchive"/>) and
/// completed, so one bad message never holds its batch.</para>
/// </remarks>
public sealed partial class ServiceBusBatchDelivery(
    DeliveryEngine engine,
    IConnectionState connection,
    UndecodableMessageArchive archive,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ServiceBusBatchDelivery> logger)
{
    // Service Bus Standard takes at most 256 KB per send; one request stays well below, counting JSON escaping.
    private const int MaxBatchBytes = 192 * 1024;
    private const int MaxBatchMessages = 100;
    private const int PerMessageOverhead = 512;

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

        var received = new List<Received>(batch.Messages.Count);
        var undecodable = new List<(ServiceBusTriggerMessage Message, string Id, string Reason)>();
        foreach (var message in batch.Messages)
        {
            var id = MessageIdOf(message, logs);
            if (TryRead(message.Body, out var queued, out var problem))
            {
                var deliveryCount = message.DeliveryCount ?? 1;
                if (message.DeliveryCount is null)
                {
                    logs.Add($"Message {id}: no DeliveryCount in the metadata; counted as the first delivery.");
                }

                var attempt = checked(queued.AttemptsUsed + Math.Max(1, deliveryCount));
                received.Add(new Received(message, new DeliveryMessage(id, queued.Update, attempt)));
            }
            else
            {
                undecodable.Add((message, id, problem!));
            }
        }

        // Undecodable messages first: if they cannot be kept, fail now, before spending any Outreach request.
        foreach (var (message, id, reason) in undecodable)
        {
            try
            {
                var blob = await archive.ArchiveAsync(message, id, reason, cancellationToken);
                LogUndecodable(id, reason, UndecodableMessageArchive.ContainerName + "/" + blob);
                logs.Add($"Message {id} is not a prospect update ({reason}); archived as {UndecodableMessageArchive.ContainerName}/{blob} and completed.");
            }
            catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException)
            {
                LogArchiveFailed(ex, id);
                return DeliverOutcome.Failed(logs, $"Message {id} is not a prospect update and could not be archived ({Describe(ex)}); the batch is left to Service Bus to redeliver.");
            }
        }

        if (received.Count == 0)
        {
            return DeliverOutcome.Success(logs);
        }

        await ResumeIfReauthorizedAsync(logs, cancellationToken);
        var messages = received.Select(r => r.Delivery).ToList();
        var result = await engine.DeliverAsync(messages, cancellationToken);
        var now = time.GetUtcNow();
        var copies = new List<ServiceBusOutgoingMessage>();
        for (var i = 0; i < received.Count; i++)
        {
            var disposition = result.Dispositions[i];
            if (disposition.NotBefore is not null)
            {
                var trigger = received[i].Trigger;
                copies.Add(SuccessorMessage.For(disposition, received[i].Delivery.Update, trigger.CorrelationId, trigger.ExpiresAt, now));
            }
        }

        logs.Add(Summary(result, copies));
        if (result.ConnectionPaused)
        {
            var reason = connection.Status?.Reason ?? "Outreach refused the connection's credentials";
            logs.Add($"{KeepAliveOutcome.NeedsReauthorizationMarker}: delivery is paused ({reason}); updates are held until someone connects through the Connect URL.");
        }

        var sent = await SendAsync(copies, cancellationToken);
        if (sent is not null)
        {
            LogCopiesNotSent(copies.Count, sent);
            return DeliverOutcome.Failed(logs, $"The {copies.Count} copies to deliver later could not be sent ({sent}); the batch is left to Service Bus to redeliver.");
        }

        return DeliverOutcome.Success(logs);
    }

    // Under Flex Consumption the Callback that re-authorized may run on another instance: while paused, re-read the
    // shared connection state (at most once per poll interval) so this instance resumes as soon as it changed.
    private async Task ResumeIfReauthorizedAsync(List<string> logs, CancellationToken cancellationToken)
    {
        if (connection.Status is null)
        {
            return;
        }

        await connection.RefreshIfDueAsync(cancellationToken);
        if (connection.Status is null)
        {
            logs.Add("Delivery resumed: the connection was authorized again.");
        }
    }

    // Sends the copies in as few requests as fit; null when all were sent, else why not.
    private async Task<string?> SendAsync(List<ServiceBusOutgoingMessage> copies, CancellationToken cancellationToken)
    {
        if (copies.Count == 0)
        {
            return null;
        }

        IServiceBusMessageSender sender;
        try
        {
            sender = services.GetRequiredService<IServiceBusMessageSender>();
        }
        catch (OptionsValidationException ex)
        {
            // The Service Bus settings are wrong (checked at start too); the failures name them.
            return string.Join(" ", ex.Failures);
        }

        foreach (var chunk in Chunks(copies))
        {
            var result = await sender.SendBatchAsync(chunk, cancellationToken);
            if (!result.Succeeded)
            {
                return $"{result.Status}: {result.Message}";
            }
        }

        return null;
    }

    private static IEnumerable<List<ServiceBusOutgoingMessage>> Chunks(List<ServiceBusOutgoingMessage> copies)
    {
        var chunk = new List<ServiceBusOutgoingMessage>();
        var bytes = 0;
        foreach (var copy in copies)
        {
            var size = Encoding.UTF8.GetByteCount(copy.Body) * 2 + PerMessageOverhead;
            if (chunk.Count > 0 && (chunk.Count == MaxBatchMessages || bytes + size > MaxBatchBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(copy);
            bytes += size;
        }

        yield return chunk;
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

    // The body as the host decoded it; once more when it is still a JSON string (a body quoted one time too many).
    private static bool TryRead(string body, out QueuedUpdate queued, out string? problem)
    {
        try
        {
            queued = ProspectUpdateFormat.DeserializeQueued(body);
            problem = null;
            return true;
        }
        catch (FormatException ex)
        {
            if (Unquoted(body) is { } inner)
            {
                return TryRead(inner, out queued, out problem);
            }

            queued = default;
            problem = ex.Message;
            return false;
        }
    }

    private static string? Unquoted(string body)
    {
        var trimmed = body.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '"')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Summary(DeliveryBatchResult result, List<ServiceBusOutgoingMessage> copies)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"Deliver: {result.Dispositions.Count} updates: {result.Count(DispositionKind.Complete)} complete, {result.Count(DispositionKind.Poison)} poisoned (failure ledger), {result.Count(DispositionKind.DeferUntil)} deferred, {result.Count(DispositionKind.RetryLater)} to retry, {result.Count(DispositionKind.Hold)} held");
        if (copies.Count > 0)
        {
            var first = copies.Min(c => c.ScheduledEnqueueTime ?? DateTimeOffset.MinValue);
            text += string.Create(CultureInfo.InvariantCulture, $"; {copies.Count} copies re-enqueued, the first visible {(first == DateTimeOffset.MinValue ? "at once" : "at " + first.ToString("O", CultureInfo.InvariantCulture))}");
        }

        return text + ".";
    }

    private static string Describe(Exception ex) =>
        ex is RequestFailedException failed ? $"HTTP {failed.Status} {failed.ErrorCode}".TrimEnd() : ex.GetType().Name;

    private sealed record Received(ServiceBusTriggerMessage Trigger, DeliveryMessage Delivery);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deliver: {Warning}")]
    private partial void LogMetadataWarning(string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service Bus message {MessageId} is not a prospect update ({Reason}); archived as {Blob} and completed")]
    private partial void LogUndecodable(string messageId, string reason, string blob);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service Bus message {MessageId} is not a prospect update and could not be archived; failing the invocation")]
    private partial void LogArchiveFailed(Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} copies to deliver later could not be sent ({Problem}); failing the invocation so Service Bus redelivers the batch")]
    private partial void LogCopiesNotSent(int count, string problem);
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

using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>
/// The receive side of every queue transport: decodes a received batch, runs the delivery engine and
/// hands each message's <see cref="Settlement"/> to the transport's <see cref="IMessageSettler{THandle}"/>.
/// </summary>
/// <remarks>
/// <para>The order keeps every update: messages that are not updates are set aside first, so a transport that cannot
/// keep them fails the batch before any Outreach request is spent; the others are settled only after the engine has
/// recorded their outcome, so a crash before settling redelivers them, which changes nothing (the engine drops values
/// already applied). Settlement failures propagate: redelivering the whole batch is then the safe answer.</para>
/// <para>A message's delivery attempt is the attempts its body carries (0 when ingest wrote it) plus the transport's
/// delivery count of this copy (Delivery/README.md).</para>
/// </remarks>
public sealed partial class ReceivedBatchProcessor(
    DeliveryEngine engine,
    IConnectionState connection,
    TimeProvider time,
    ILogger<ReceivedBatchProcessor> logger)
{
    /// <summary>Delivers the batch and settles every message through <paramref name="settler"/>.</summary>
    /// <remarks>Bugs, cancellation and the settler's failures throw; the transport then redelivers the batch.</remarks>
    public async Task<ReceivedBatchResult> ProcessAsync<THandle>(
        IReadOnlyList<ReceivedMessage<THandle>> batch, IMessageSettler<THandle> settler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(settler);

        var decoded = new List<(ReceivedMessage<THandle> Received, DeliveryMessage Delivery)>(batch.Count);
        var undecodable = new List<(ReceivedMessage<THandle> Received, string Reason)>();
        foreach (var message in batch)
        {
            if (QueuedUpdateDecoder.TryDecode(message.Body, out var updates, out var problem))
            {
                // A message that carries several updates (one export, UpdateBatchFormat) gives each its own id for the
                // engine, the ledger and the logs: the message id and the update's position in it.
                for (var i = 0; i < updates.Count; i++)
                {
                    var id = updates.Count == 1 ? message.MessageId : string.Create(CultureInfo.InvariantCulture, $"{message.MessageId}/{i + 1}");
                    var attempt = checked(updates[i].AttemptsUsed + Math.Max(1, message.DeliveryCount));
                    decoded.Add((message, new DeliveryMessage(id, updates[i].Update, attempt)));
                }
            }
            else
            {
                undecodable.Add((message, problem!));
            }
        }

        var setAside = new List<SetAsideMessage>(undecodable.Count);
        foreach (var (message, reason) in undecodable)
        {
            var keptAs = await settler.SetAsideAsync(message, reason, cancellationToken);
            LogSetAside(message.MessageId, reason, keptAs);
            setAside.Add(new SetAsideMessage(message.MessageId, reason, keptAs));
        }

        if (decoded.Count == 0)
        {
            return new ReceivedBatchResult(batch.Count, setAside, null, [], false);
        }

        var resumed = await ResumeIfReauthorizedAsync(cancellationToken);
        var result = await engine.DeliverAsync([.. decoded.Select(d => d.Delivery)], cancellationToken);
        var now = time.GetUtcNow();
        var settlements = decoded
            .Select((d, i) => (d.Received, d.Delivery.Update, Fate: result.Fates[i]))
            .GroupBy(d => d.Received, (IEqualityComparer<ReceivedMessage<THandle>>)ReferenceEqualityComparer.Instance)
            .Select(message => (
                Message: message.Key,
                Settlement: message.Count() == 1
                    ? SettlementFor(message.First().Update, message.First().Fate, settler.CanRetryInPlace, settler.StopsReceivingWhilePaused, now)
                    : SharedMessageSettlement.For([.. message.Select(d => (d.Update, d.Fate))], settler.CanRetryInPlace, settler.StopsReceivingWhilePaused, now)))
            .ToList();
        await settler.SettleAsync(settlements, cancellationToken);
        return new ReceivedBatchResult(batch.Count, setAside, result, [.. settlements.Select(s => s.Settlement)], resumed);
    }

    /// <summary>How a transport settles one message's fate.</summary>
    /// <param name="update">The update the message carries.</param>
    /// <param name="fate">What delivery decided for it.</param>
    /// <param name="canRetryInPlace">See <see cref="IMessageSettler{THandle}.CanRetryInPlace"/>.</param>
    /// <param name="stopsReceivingWhilePaused">See <see cref="IMessageSettler{THandle}.StopsReceivingWhilePaused"/>.</param>
    /// <param name="now">The current time.</param>
    public static Settlement SettlementFor(ProspectUpdate update, MessageFate fate, bool canRetryInPlace, bool stopsReceivingWhilePaused, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(fate);
        return fate switch
        {
            { NotBefore: null } => new Settlement.Complete(),
            MessageFate.RetryLater retry when canRetryInPlace => new Settlement.RetryInPlace(retry.Delay),
            MessageFate.Paused when stopsReceivingWhilePaused => Successor(update, fate, now),
            _ => Successor(update, fate, fate.NotBefore ?? now),
        };
    }

    private static Settlement.Successor Successor(ProspectUpdate update, MessageFate fate, DateTimeOffset visibleAt) =>
        new(ProspectUpdateFormat.SerializeToString(update, fate.AttemptsUsed), fate.AttemptsUsed, visibleAt, fate.Name);

    // Under Flex Consumption the Callback that re-authorized may run on another instance: while paused, re-read the
    // shared connection state (at most once per poll interval) so this instance resumes as soon as it changed.
    private async Task<bool> ResumeIfReauthorizedAsync(CancellationToken cancellationToken)
    {
        if (connection.Status is null)
        {
            return false;
        }

        await connection.RefreshIfDueAsync(cancellationToken);
        return connection.Status is null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} is not a prospect update ({Reason}); kept as {KeptAs} and removed from the queue")]
    private partial void LogSetAside(string messageId, string reason, string keptAs);
}

/// <summary>
/// Reads a received body as the queued prospect updates it carries (one, or the updates of one export as
/// <see cref="UpdateBatchFormat"/> writes them), tolerating one JSON-string layer too many.
/// </summary>
public static class QueuedUpdateDecoder
{
    /// <summary>
    /// Reads the body; when it is not an update but a JSON string (a body quoted once too often, as a host or a
    /// hand-written test message may do), reads the string's content once more.
    /// </summary>
    /// <returns>True with the updates (at least one), or false with why the body is not updates.</returns>
    public static bool TryDecode(BinaryData body, out IReadOnlyList<QueuedUpdate> queued, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            queued = UpdateBatchFormat.Deserialize(body.ToMemory());
            problem = null;
            return true;
        }
        catch (FormatException ex)
        {
            if (Unquoted(body) is { } inner)
            {
                return TryDecode(BinaryData.FromString(inner), out queued, out problem);
            }

            queued = [];
            problem = ex.Message;
            return false;
        }
    }

    private static string? Unquoted(BinaryData body)
    {
        var text = body.ToString();
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '"')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

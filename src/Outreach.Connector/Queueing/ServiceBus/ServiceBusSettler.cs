using System.Text;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Queueing.Receiving;

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>
/// Settles the messages of a Service Bus trigger batch the way a custom handler can (Delivery/README.md): a completed
/// message needs nothing (the host completes the batch when the invocation succeeds); a message delivered later is
/// replaced by a scheduled copy (<see cref="SuccessorMessage"/>), sent in as few requests as fit; a message that is not
/// an update is archived (<see cref="UndecodableMessageArchive"/>).
/// </summary>
/// <remarks>
/// The host auto-completes every message of a successful invocation and a custom handler can neither abandon nor
/// reschedule one (docs/reference/functions-host.md §2.3, §4), so there is no retry in place, and held copies are
/// scheduled at the probe time because a trigger cannot stop receiving while paused. When a copy cannot be sent or a
/// message cannot be archived, <see cref="MessageSettlementException"/> fails the invocation and Service Bus redelivers
/// the batch: updates already applied are dropped by the engine, copies already sent by the queue's duplicate detection.
/// </remarks>
public sealed partial class ServiceBusSettler(
    IServiceBusMessageSender sender, UndecodableMessageArchive archive, TimeProvider time, ILogger<ServiceBusSettler> logger)
    : IMessageSettler<ServiceBusMessageMetadata>
{
    // Service Bus Standard takes at most 256 KB per send; one request stays well below, counting JSON escaping.
    private const int MaxBatchBytes = 192 * 1024;
    private const int MaxBatchMessages = 100;
    private const int PerMessageOverhead = 512;

    /// <inheritdoc />
    public bool CanRetryInPlace => false;

    /// <inheritdoc />
    public bool StopsReceivingWhilePaused => false;

    /// <inheritdoc />
    public async Task<string> SetAsideAsync(ReceivedMessage<ServiceBusMessageMetadata> message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return UndecodableMessageArchive.ContainerName + "/" + await archive.ArchiveAsync(message, reason, cancellationToken);
        }
        catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException)
        {
            LogArchiveFailed(ex, message.MessageId);
            throw new MessageSettlementException(
                $"Message {message.MessageId} is not a prospect update and could not be archived ({Describe(ex)}); the batch is left to Service Bus to redeliver.", ex);
        }
    }

    /// <inheritdoc />
    public async Task SettleAsync(IReadOnlyList<(ReceivedMessage<ServiceBusMessageMetadata> Message, Settlement Settlement)> settlements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        var now = time.GetUtcNow();
        var copies = new List<ServiceBusOutgoingMessage>();
        foreach (var (message, settlement) in settlements)
        {
            switch (settlement)
            {
                case Settlement.Complete:
                    break;
                case Settlement.Successor successor:
                    copies.Add(SuccessorMessage.For(message.MessageId, successor, message.Handle.CorrelationId, message.Handle.ExpiresAt, now));
                    break;
                default:
                    throw new InvalidOperationException($"A Service Bus trigger cannot apply a {settlement.GetType().Name} settlement.");
            }
        }

        foreach (var chunk in Chunks(copies))
        {
            var result = await sender.SendBatchAsync(chunk, cancellationToken);
            if (!result.Succeeded)
            {
                var problem = $"{result.Status}: {result.Message}";
                LogCopiesNotSent(copies.Count, problem);
                throw new MessageSettlementException($"The {copies.Count} copies to deliver later could not be sent ({problem}); the batch is left to Service Bus to redeliver.");
            }
        }
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

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static string Describe(Exception ex) =>
        ex is RequestFailedException failed ? $"HTTP {failed.Status} {failed.ErrorCode}".TrimEnd() : ex.GetType().Name;

    [LoggerMessage(Level = LogLevel.Error, Message = "Service Bus message {MessageId} is not a prospect update and could not be archived; failing the invocation")]
    private partial void LogArchiveFailed(Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} copies to deliver later could not be sent ({Problem}); failing the invocation so Service Bus redelivers the batch")]
    private partial void LogCopiesNotSent(int count, string problem);
}

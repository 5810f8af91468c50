using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Outcomes;
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

/// <summary>
/// The copy of a message that Deliver sends back to the queue for a fate that keeps it (RetryLater, Deferred,
/// Paused): a <see cref="Settlement.Successor"/>, the update carrying its attempts used so far, scheduled at its <c>VisibleAt</c>.
/// </summary>
/// <remarks>
/// <para>The host auto-completes every message of a successful invocation and a custom handler cannot abandon,
/// defer or reschedule a single one (docs/reference/functions-host.md §2.3, §4), so "deliver later" means "send a scheduled copy,
/// then let the original complete" (Delivery/README.md); <see cref="ServiceBusSettler"/> sends them.</para>
/// <para><b>Message id.</b> One id per original, whatever the fate: <c>next-</c> and 32 hex digits of the SHA-256
/// of the original's MessageId. A copy sent by an invocation that then failed, or whose completion was lost, has the
/// same id as the copy the redelivered original gets next time, even though that delivery counts one more attempt and
/// may be decided differently; the queue's duplicate detection (10 minutes, infra) drops the second send, so an
/// original never has two live successors. An id built from the attempts or the kind would not be stable across that
/// redelivery, and one built by appending to the original's id would grow past Service Bus's 128 characters along a
/// chain of deferrals. The original's id travels in the application property <c>previousMessageId</c>.</para>
/// <para><b>Schedule.</b> <c>ScheduledEnqueueTimeUtc</c> has whole-second resolution (RFC 1123), so the time is rounded
/// up: a copy never becomes visible before the rate-limit reset it waits for. A time not in the future sends the copy
/// for immediate delivery. A Paused copy is scheduled at the probe time too: unlike the standalone drainer, a Service
/// Bus trigger cannot stop receiving while the connection is paused, so an immediate copy would spin.</para>
/// </remarks>
public static class SuccessorMessage
{
    /// <summary>The application property carrying the original's MessageId.</summary>
    public const string PreviousMessageIdProperty = "previousMessageId";

    /// <summary>The application property carrying the attempts used (also in the body as <c>"n"</c>, which is authoritative).</summary>
    public const string AttemptsUsedProperty = "attemptsUsed";

    /// <summary>The copy's MessageId for an original MessageId.</summary>
    public static string IdFor(string originalMessageId)
    {
        ArgumentNullException.ThrowIfNull(originalMessageId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(originalMessageId));
        return "next-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>The shortest time to live a copy gets: one whose original has already expired dies (and is dead-lettered) at once.</summary>
    public static readonly TimeSpan MinimumTimeToLive = TimeSpan.FromSeconds(1);

    /// <summary>The copy to send for a message the engine keeps.</summary>
    /// <param name="originalMessageId">The original's MessageId.</param>
    /// <param name="successor">The copy's body, attempts, visibility and reason.</param>
    /// <param name="correlationId">The original's correlation id, passed on.</param>
    /// <param name="originalExpiresAt">When the original expires, if the host said: the copy expires then too.</param>
    /// <param name="now">The current time.</param>
    public static ServiceBusOutgoingMessage For(string originalMessageId, Settlement.Successor successor, string? correlationId, DateTimeOffset? originalExpiresAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(originalMessageId);
        ArgumentNullException.ThrowIfNull(successor);
        var scheduled = ScheduleFor(successor.VisibleAt, now);
        return new ServiceBusOutgoingMessage(successor.Body)
        {
            MessageId = IdFor(originalMessageId),
            ScheduledEnqueueTime = scheduled,
            TimeToLive = originalExpiresAt is { } expires ? Max(expires - (scheduled ?? now), MinimumTimeToLive) : null,
            CorrelationId = correlationId,
            Subject = successor.Reason,
            ApplicationProperties = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [AttemptsUsedProperty] = successor.AttemptsUsed,
                [PreviousMessageIdProperty] = originalMessageId,
            },
        };
    }

    /// <summary>When a copy visible at <paramref name="visibleAt"/> is scheduled: rounded up to a whole second, or null (at once) when not in the future.</summary>
    public static DateTimeOffset? ScheduleFor(DateTimeOffset visibleAt, DateTimeOffset now) => visibleAt > now ? RoundUpToSecond(visibleAt) : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Rounds a time up to the next whole second (unchanged when already whole).</summary>
    public static DateTimeOffset RoundUpToSecond(DateTimeOffset time)
    {
        var remainder = time.UtcTicks % TimeSpan.TicksPerSecond;
        return remainder == 0 ? time : time.AddTicks(TimeSpan.TicksPerSecond - remainder);
    }
}

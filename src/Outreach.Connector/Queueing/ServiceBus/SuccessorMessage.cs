using System.Security.Cryptography;
using System.Text;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing.Receiving;

namespace Outreach.Connector.Queueing.ServiceBus;

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

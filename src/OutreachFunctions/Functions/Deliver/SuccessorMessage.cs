using System.Security.Cryptography;
using System.Text;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing;
using Outreach.Connector.Updates;

namespace OutreachFunctions.Functions.Deliver;

/// <summary>
/// The copy of a message that Deliver sends back to the queue for a disposition that keeps it (RetryLater, DeferUntil,
/// Hold): the update carrying its attempts used so far, scheduled at the disposition's <c>NotBefore</c>.
/// </summary>
/// <remarks>
/// <para>The host auto-completes every message of a successful invocation and a custom handler cannot abandon,
/// defer or reschedule a single one (docs/reference/functions-host.md §2.3, §4), so "deliver later" means "send a scheduled copy,
/// then let the original complete" (Delivery/README.md).</para>
/// <para><b>Message id.</b> One id per original, whatever the disposition: <c>next-</c> and 32 hex digits of the SHA-256
/// of the original's MessageId. A copy sent by an invocation that then failed, or whose completion was lost, has the
/// same id as the copy the redelivered original gets next time, even though that delivery counts one more attempt and
/// may be decided differently; the queue's duplicate detection (10 minutes, infra) drops the second send, so an
/// original never has two live successors. An id built from the attempts or the kind would not be stable across that
/// redelivery, and one built by appending to the original's id would grow past Service Bus's 128 characters along a
/// chain of deferrals. The original's id travels in the application property <c>previousMessageId</c>.</para>
/// <para><b>Schedule.</b> <c>ScheduledEnqueueTimeUtc</c> has whole-second resolution (RFC 1123), so the time is rounded
/// up: a copy never becomes visible before the rate-limit reset it waits for. A time not in the future sends the copy
/// for immediate delivery. A Hold copy is scheduled at the probe time too: unlike the standalone drainer, a Service
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

    /// <summary>The copy to send for a disposition that keeps the message.</summary>
    /// <param name="disposition">The engine's verdict; it must keep the message.</param>
    /// <param name="update">The update the message carries.</param>
    /// <param name="correlationId">The original's correlation id, passed on.</param>
    /// <param name="originalExpiresAt">When the original expires, if the host said: the copy expires then too.</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentException">The disposition completes the message (nothing to send).</exception>
    public static ServiceBusOutgoingMessage For(MessageDisposition disposition, ProspectUpdate update, string? correlationId, DateTimeOffset? originalExpiresAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(disposition);
        ArgumentNullException.ThrowIfNull(update);
        if (disposition.NotBefore is not { } notBefore)
        {
            throw new ArgumentException($"A {disposition.Kind} disposition keeps nothing to send.", nameof(disposition));
        }

        var scheduled = notBefore > now ? RoundUpToSecond(notBefore) : (DateTimeOffset?)null;
        return new ServiceBusOutgoingMessage(ProspectUpdateFormat.SerializeToString(update, disposition.AttemptsUsed))
        {
            MessageId = IdFor(disposition.MessageId),
            ScheduledEnqueueTime = scheduled,
            TimeToLive = originalExpiresAt is { } expires ? Max(expires - (scheduled ?? now), MinimumTimeToLive) : null,
            CorrelationId = correlationId,
            Subject = Subject(disposition.Kind),
            ApplicationProperties = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [AttemptsUsedProperty] = disposition.AttemptsUsed,
                [PreviousMessageIdProperty] = disposition.MessageId,
            },
        };
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The subject a copy carries, for operators browsing the queue.</summary>
    public static string Subject(DispositionKind kind) => kind switch
    {
        DispositionKind.RetryLater => "retry",
        DispositionKind.DeferUntil => "deferred",
        DispositionKind.Hold => "held",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Rounds a time up to the next whole second (unchanged when already whole).</summary>
    public static DateTimeOffset RoundUpToSecond(DateTimeOffset time)
    {
        var remainder = time.UtcTicks % TimeSpan.TicksPerSecond;
        return remainder == 0 ? time : time.AddTicks(TimeSpan.TicksPerSecond - remainder);
    }
}

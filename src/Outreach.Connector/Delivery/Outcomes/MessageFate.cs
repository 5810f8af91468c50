using Outreach.Connector.Delivery.Ledger;

namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>
/// What became of one queue message: the one answer delivery gives per message, and what each transport settles
/// (<c>Queueing/Receiving/ReceivedBatchProcessor</c> turns it into the queue's terms).
/// </summary>
/// <remarks>
/// A final fate (<see cref="NotBefore"/> null) removes the message. Every other fate keeps the update and says when to
/// deliver it next and how many attempts it has used (<see cref="AttemptsUsed"/>): a transport that cannot make a message
/// visible again without counting a delivery (a Service Bus trigger under a custom handler auto-completes everything)
/// sends a copy scheduled at <see cref="NotBefore"/> that carries <see cref="AttemptsUsed"/>, and lets the original go.
/// </remarks>
/// <param name="MessageId">The message.</param>
/// <param name="AttemptsUsed">
/// Delivery attempts the message has used, to carry into a copy; the copy's <see cref="DeliveryMessage.DeliveryAttempt"/>
/// is this plus the transport's delivery count of the copy.
/// </param>
public abstract record MessageFate(string MessageId, int AttemptsUsed)
{
    /// <summary>When to deliver the message next; null when it is done.</summary>
    public abstract DateTimeOffset? NotBefore { get; }

    /// <summary>A short name for logs, counters and the subject of a copy (<c>delivered</c>, <c>deferred</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// One fate for a message whose email reached several prospects (<c>Mapping__DuplicateEmails</c> = <c>all</c>):
    /// the least final of its copies' fates, so the message stays until every prospect has it.
    /// </summary>
    /// <remarks>
    /// Order, most binding first: retry (uses an attempt, so a copy that keeps failing ends in poison), paused, deferred,
    /// poisoned, done (delivered beats up to date, excluded and rejected). Delivering the message again is safe: copies
    /// already applied are dropped as duplicates by the version store.
    /// </remarks>
    internal static MessageFate LeastFinal(IReadOnlyList<MessageFate> fates)
    {
        var chosen = fates[0];
        foreach (var fate in fates.Skip(1))
        {
            var order = Rank(fate).CompareTo(Rank(chosen));
            if (order > 0 || (order == 0 && fate.NotBefore > chosen.NotBefore))
            {
                chosen = fate;
            }
            else if (order == 0 && chosen is not Delivered && fate is Delivered)
            {
                // Any prospect updated makes the message delivered.
                chosen = fate;
            }
        }

        return chosen;
    }

    private static int Rank(MessageFate fate) => fate switch
    {
        RetryLater => 4,
        Paused => 3,
        Deferred => 2,
        Poisoned => 1,
        _ => 0,
    };

    /// <summary>Outreach applied a write that carried the message's fields.</summary>
    public sealed record Delivered(string MessageId, int AttemptsUsed) : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => null;

        /// <inheritdoc />
        public override string Name => "delivered";
    }

    /// <summary>Nothing was left to send (every field stale, already applied, or already held by Outreach): no request.</summary>
    public sealed record UpToDate(string MessageId, int AttemptsUsed) : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => null;

        /// <inheritdoc />
        public override string Name => "up to date";
    }

    /// <summary>
    /// Excluded at delivery, not a failure: the update named its prospect by an email that no prospect has, or that
    /// several have while <c>Mapping__DuplicateEmails</c> is <c>skip</c>.
    /// </summary>
    public sealed record Excluded(string MessageId, int AttemptsUsed) : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => null;

        /// <inheritdoc />
        public override string Name => "excluded";
    }

    /// <summary>Outreach refused the update for good; it is in the failure ledger for inspection and replay.</summary>
    public sealed record Rejected(string MessageId, int AttemptsUsed) : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => null;

        /// <inheritdoc />
        public override string Name => "rejected";
    }

    /// <summary>Attempts are exhausted; the update is in the failure ledger under <paramref name="LedgerKey"/>.</summary>
    public sealed record Poisoned(string MessageId, int AttemptsUsed, FailureLedgerKey LedgerKey) : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => null;

        /// <inheritdoc />
        public override string Name => "poisoned";
    }

    /// <summary>
    /// A transient failure: deliver again at <paramref name="RetryAt"/> (exponential backoff with jitter); this attempt
    /// counts. A Storage queue makes the same message visible after <paramref name="Delay"/>; Service Bus sends a copy.
    /// </summary>
    public sealed record RetryLater(string MessageId, int AttemptsUsed, DateTimeOffset RetryAt, TimeSpan Delay, string Reason)
        : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => RetryAt;

        /// <inheritdoc />
        public override string Name => "retry";
    }

    /// <summary>
    /// Not sent, and not attempted: the request budget or a 429, the batch's time, another drainer writing the prospect,
    /// or a bulk write still running stopped it. Deliver it at <paramref name="Until"/> without counting this attempt.
    /// </summary>
    public sealed record Deferred(string MessageId, int AttemptsUsed, DateTimeOffset Until) : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => Until;

        /// <inheritdoc />
        public override string Name => "deferred";
    }

    /// <summary>
    /// The connection needs re-authorization: keep the update and deliver it at <paramref name="Until"/> (when delivery
    /// probes Outreach once more) without counting this attempt; a polling host may also stop receiving while
    /// <see cref="Tokens.IConnectionState.IsPaused"/>.
    /// </summary>
    public sealed record Paused(string MessageId, int AttemptsUsed, DateTimeOffset Until) : MessageFate(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => Until;

        /// <inheritdoc />
        public override string Name => "paused";
    }
}

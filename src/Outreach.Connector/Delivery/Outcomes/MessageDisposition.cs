using Outreach.Connector.Delivery.Ledger;

namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>The engine's verdict on one message; the host applies it to its queue (see each case for how).</summary>
/// <remarks>
/// Every case that keeps the message says when to deliver it next (<c>NotBefore</c>) and how many attempts it has
/// used (<see cref="AttemptsUsed"/>). A transport that cannot make a message visible again without counting a
/// delivery (a Service Bus trigger under a custom handler auto-completes everything) re-enqueues a copy scheduled at
/// <c>NotBefore</c> that carries <see cref="AttemptsUsed"/>, and lets the original be completed.
/// </remarks>
/// <param name="MessageId">The message this disposition is for.</param>
/// <param name="AttemptsUsed">
/// Delivery attempts the message has used, to carry into a re-enqueued copy; the copy's
/// <see cref="DeliveryMessage.DeliveryAttempt"/> is this plus the transport's delivery count of the copy.
/// </param>
public abstract record MessageDisposition(string MessageId, int AttemptsUsed)
{
    /// <summary>The kind of disposition, for hosts that switch on a value.</summary>
    public abstract DispositionKind Kind { get; }

    /// <summary>When to deliver the message next, or null when the message is done.</summary>
    public abstract DateTimeOffset? NotBefore { get; }

    /// <summary>Delete the message.</summary>
    public sealed record Complete(string MessageId, int AttemptsUsed, CompletionReason Reason) : MessageDisposition(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DispositionKind Kind => DispositionKind.Complete;

        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => null;
    }

    /// <summary>
    /// A transient failure: deliver again at <paramref name="RetryAt"/> (exponential backoff with jitter); this attempt
    /// counts. Storage queue: update the message's visibility timeout to <paramref name="Delay"/>. Service Bus:
    /// schedule a copy at <paramref name="RetryAt"/> carrying <see cref="MessageDisposition.AttemptsUsed"/>.
    /// </summary>
    public sealed record RetryLater(string MessageId, int AttemptsUsed, DateTimeOffset RetryAt, TimeSpan Delay, string Reason)
        : MessageDisposition(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DispositionKind Kind => DispositionKind.RetryLater;

        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => RetryAt;
    }

    /// <summary>
    /// The request budget or a 429 stopped the message before it was sent: deliver it at <paramref name="Until"/>
    /// without counting this attempt. Re-enqueue a copy scheduled at <paramref name="Until"/> carrying
    /// <see cref="MessageDisposition.AttemptsUsed"/>, then delete the original.
    /// </summary>
    public sealed record DeferUntil(string MessageId, int AttemptsUsed, DateTimeOffset Until) : MessageDisposition(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DispositionKind Kind => DispositionKind.DeferUntil;

        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => Until;
    }

    /// <summary>
    /// The connection needs re-authorization: do not consume the message; deliver it again at
    /// <paramref name="Until"/> (when the engine will probe Outreach once more) without counting this attempt.
    /// Re-enqueue a copy as for <see cref="DeferUntil"/>; a polling host may also stop receiving while
    /// <see cref="Tokens.IConnectionState.IsPaused"/>.
    /// </summary>
    public sealed record Hold(string MessageId, int AttemptsUsed, DateTimeOffset Until) : MessageDisposition(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DispositionKind Kind => DispositionKind.Hold;

        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => Until;
    }

    /// <summary>Attempts are exhausted and the update is in the failure ledger under <paramref name="LedgerKey"/>: delete the message.</summary>
    public sealed record Poison(string MessageId, int AttemptsUsed, FailureLedgerKey LedgerKey) : MessageDisposition(MessageId, AttemptsUsed)
    {
        /// <inheritdoc />
        public override DispositionKind Kind => DispositionKind.Poison;

        /// <inheritdoc />
        public override DateTimeOffset? NotBefore => null;
    }
}

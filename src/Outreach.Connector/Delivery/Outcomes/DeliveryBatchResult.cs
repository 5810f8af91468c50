namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>What the engine decided for a batch: one disposition per message, in the order the messages were given.</summary>
/// <param name="Dispositions">One disposition per message of the batch, index-aligned with it.</param>
/// <param name="SendingResumesAt">
/// When sending stopped early (budget spent, 429, unauthorized, batch time up), the time sending may resume; a polling
/// host can sleep until then instead of receiving messages that would only be deferred. Null when nothing stopped it.
/// </param>
/// <param name="ConnectionPaused">True when the connection needs re-authorization (Outreach refused the credentials).</param>
public sealed record DeliveryBatchResult(IReadOnlyList<MessageDisposition> Dispositions, DateTimeOffset? SendingResumesAt, bool ConnectionPaused)
{
    /// <summary>How many messages got a disposition of the given kind.</summary>
    public int Count(DispositionKind kind) => Dispositions.Count(d => d.Kind == kind);
}

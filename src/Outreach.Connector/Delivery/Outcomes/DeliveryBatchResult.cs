namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>What the engine decided for a batch: one fate per message, in the order the messages were given.</summary>
/// <param name="Fates">One fate per message of the batch, index-aligned with it.</param>
/// <param name="SendingResumesAt">
/// When sending stopped early (budget spent, 429, unauthorized, batch time up), the time sending may resume; a polling
/// host can sleep until then instead of receiving messages that would only be deferred. Null when nothing stopped it.
/// </param>
/// <param name="ConnectionPaused">True when the connection needs re-authorization (Outreach refused the credentials).</param>
public sealed record DeliveryBatchResult(IReadOnlyList<MessageFate> Fates, DateTimeOffset? SendingResumesAt, bool ConnectionPaused)
{
    /// <summary>How many messages met a fate of the given kind.</summary>
    public int Count<TFate>() where TFate : MessageFate => Fates.Count(f => f is TFate);

    /// <summary>How many messages are done without being poisoned: delivered, up to date, excluded or rejected.</summary>
    public int CountDone() => Fates.Count(f => f.NotBefore is null && f is not MessageFate.Poisoned);
}

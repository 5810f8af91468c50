using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>
/// The one settlement of a message that carried several updates (the updates of one export, written by
/// <see cref="UpdateBatchFormat"/>), from the fate of each.
/// </summary>
/// <remarks>
/// A queue settles whole messages, so: every update done → complete; every update to be retried and the transport can
/// retry in place → retry the message after the longest delay (its delivery count then counts the attempt for all of
/// them); otherwise one copy with only the updates still to deliver, each carrying its own attempts, visible at the
/// latest time any of them may be delivered, so none comes back before its backoff or rate-limit reset (an update
/// deferred for a shorter time waits a little longer, which costs nothing).
/// </remarks>
public static class SharedMessageSettlement
{
    /// <summary>The settlement for a message whose updates met these fates.</summary>
    public static Settlement For(
        IReadOnlyList<(ProspectUpdate Update, MessageFate Fate)> updates, bool canRetryInPlace, bool stopsReceivingWhilePaused, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var remaining = updates.Where(u => u.Fate.NotBefore is not null).ToList();
        if (remaining.Count == 0)
        {
            return new Settlement.Complete();
        }

        if (canRetryInPlace && remaining.Count == updates.Count && remaining.All(u => u.Fate is MessageFate.RetryLater))
        {
            return new Settlement.RetryInPlace(remaining.Max(u => ((MessageFate.RetryLater)u.Fate).Delay));
        }

        // Each remaining update as the copy it would get alone; the shared copy keeps each one's attempts in its body.
        var alone = remaining
            .Select(u => (Settlement.Successor)ReceivedBatchProcessor.SettlementFor(u.Update, u.Fate, canRetryInPlace: false, stopsReceivingWhilePaused, now))
            .ToList();
        var latest = alone.MaxBy(copy => copy.VisibleAt)!;
        var body = UpdateBatchFormat.Serialize([.. remaining.Select(u => new QueuedUpdate(u.Update, u.Fate.AttemptsUsed))], int.MaxValue).Single();
        return new Settlement.Successor(body, alone.Max(copy => copy.AttemptsUsed), latest.VisibleAt, latest.Reason);
    }
}

using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Coalescing;

/// <summary>Merges the updates of each prospect in a batch so one PATCH per prospect carries the newest value of every field.</summary>
public static class Coalescer
{
    /// <summary>
    /// Groups messages by prospect (groups in order of first appearance); messages for a prospect still to be created
    /// (id 0) by their email. Per field the change with the newest
    /// <see cref="FieldVersion"/> wins: the latest observation, then the latest receipt; on a full tie the message
    /// later in the batch, which the transport received later. An event time more than <paramref name="maxEventTimeSkew"/>
    /// after the update's receipt is not believed: the change counts as observed at its receipt
    /// (<see cref="FieldVersion.IsBeyondSkew"/>), so one bad time cannot freeze the field.
    /// </summary>
    public static IReadOnlyList<CoalescedUpdate> Coalesce(IEnumerable<DeliveryMessage> messages, TimeSpan maxEventTimeSkew)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var groups = new Dictionary<(long, string?), (Dictionary<string, CoalescedField> Fields, List<DeliveryMessage> Messages)>();
        var order = new List<(long Id, string? Email)>();
        foreach (var message in messages)
        {
            var update = message.Update;
            var key = (update.ProspectId, update.ProspectId == 0 ? update.Email : null);
            if (!groups.TryGetValue(key, out var group))
            {
                group = (new Dictionary<string, CoalescedField>(StringComparer.Ordinal), new List<DeliveryMessage>());
                groups.Add(key, group);
                order.Add(key);
            }

            group.Messages.Add(message);
            foreach (var (name, change) in update.Fields)
            {
                var believed = FieldVersion.IsBeyondSkew(change.ObservedAt, update.ReceivedAt, maxEventTimeSkew)
                    ? change with { ObservedAt = update.ReceivedAt }
                    : change;
                var candidate = new CoalescedField(believed, update.ReceivedAt);
                if (!group.Fields.TryGetValue(name, out var current) || candidate.Version.CompareOrder(current.Version) >= 0)
                {
                    group.Fields[name] = candidate;
                }
            }
        }

        return order.Select(key => new CoalescedUpdate(key.Id, groups[key].Fields, groups[key].Messages)).ToList();
    }

    /// <summary>How many field changes of <paramref name="messages"/> carry an event time beyond the skew (counted, then clamped by <see cref="Coalesce"/>).</summary>
    public static int CountBeyondSkew(IEnumerable<DeliveryMessage> messages, TimeSpan maxEventTimeSkew) =>
        messages.Sum(m => m.Update.Fields.Values.Count(c => FieldVersion.IsBeyondSkew(c.ObservedAt, m.Update.ReceivedAt, maxEventTimeSkew)));

    /// <summary>
    /// The update Outreach was sent for a group, as one <see cref="ProspectUpdate"/> (for the ledger and replay):
    /// the given fields, the latest receipt time and the trace of the newest message.
    /// </summary>
    public static ProspectUpdate ToUpdate(CoalescedUpdate group, IReadOnlyDictionary<string, CoalescedField> fields)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(fields);
        var newest = group.Messages.MaxBy(m => m.Update.ReceivedAt)!.Update;
        var changes = fields.ToDictionary(pair => pair.Key, pair => pair.Value.Change, StringComparer.Ordinal);
        // The email that named the prospect, when every message did by the same one: the ledger shows it masked and hashed.
        var emails = group.Messages.Select(m => m.Update.Email).Distinct(StringComparer.Ordinal).ToList();
        var email = emails is [{ } only] ? only : null;
        return new ProspectUpdate(group.ProspectId, changes, newest.ReceivedAt) { TraceParent = newest.TraceParent, Email = email };
    }
}

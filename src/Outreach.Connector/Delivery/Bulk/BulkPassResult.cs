using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;

using Outreach.Connector.Delivery.Counters;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>What the bulk pass leaves to the engine: prospects to defer, prospects already complete, and counts.</summary>
/// <param name="Deferred">Prospects whose messages wait (a bulk job in flight writes one of their fields), with when to try again.</param>
/// <param name="Completed">
/// Prospects that need no PATCH: written by a finished bulk job (<c>Written</c>: their messages are delivered), or
/// holding nothing Outreach does not already have (their messages are up to date).
/// </param>
/// <param name="Counts">Counter increments (<see cref="BulkCounterNames"/>, and the delivery counters of the completed prospects).</param>
/// <param name="AudiencesWritten">Audiences whose field a bulk job wrote.</param>
/// <param name="Plans">Per prospect left for the PATCH path, its plan (see <see cref="ProspectPlan"/>).</param>
public sealed record BulkPassResult(
    IReadOnlyList<(CoalescedUpdate Group, DateTimeOffset Until)> Deferred,
    IReadOnlyList<(CoalescedUpdate Group, bool Written)> Completed,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyCollection<string> AudiencesWritten,
    IReadOnlyDictionary<long, ProspectPlan> Plans)
{
    /// <summary>Nothing deferred, nothing completed, nothing counted, nothing planned.</summary>
    public static BulkPassResult Empty { get; } = new([], [], new Dictionary<string, long>(), [], new Dictionary<long, ProspectPlan>());

    /// <summary>Delivery state storage failed during the pass: the prospects it did not finish have no plan and retry later.</summary>
    public bool StorageFailed { get; init; }

    /// <summary>Decides the deferred and completed prospects' messages in <paramref name="run"/>; returns the groups left for the PATCH path.</summary>
    internal IReadOnlyList<CoalescedUpdate> ApplyTo(BatchRun run, IReadOnlyList<CoalescedUpdate> groups)
    {
        var decided = new HashSet<CoalescedUpdate>(ReferenceEqualityComparer.Instance);
        foreach (var (group, until) in Deferred)
        {
            foreach (var message in group.Messages)
            {
                // Not attempted: the message keeps the attempt it came with, as the engine's other deferrals do.
                run.Decide(message, new MessageFate.Deferred(message.MessageId, message.DeliveryAttempt - 1, until));
            }

            run.Count(DeliveryCounterNames.Deferred, group.Messages.Count);
            decided.Add(group);
        }

        foreach (var (group, written) in Completed)
        {
            if (written)
            {
                run.Decide(group, (id, attempts) => new MessageFate.Delivered(id, attempts));
            }
            else
            {
                run.Decide(group, (id, attempts) => new MessageFate.UpToDate(id, attempts));
                run.Count(DeliveryCounterNames.UpToDate, group.Messages.Count);
            }

            decided.Add(group);
        }

        foreach (var (name, amount) in Counts)
        {
            run.Count(name, amount);
        }

        run.AudiencesWritten.UnionWith(AudiencesWritten);
        return [.. groups.Where(g => !decided.Contains(g))];
    }
}

using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>
/// The state of one <see cref="BulkPass"/>: its prospects, those it completed, its counts, and its deadline: the bulk
/// wait after the last accepted bulk action (so reading and sending do not eat the time its jobs get), never past the
/// batch's own end.
/// </summary>
internal sealed class BulkPassRun(DateTimeOffset batchEnd, TimeSpan bulkWait, DateTimeOffset startedAt)
{
    public DateTimeOffset Deadline { get; private set; } = Min(batchEnd, startedAt + bulkWait);

    public void WaitFrom(DateTimeOffset submittedAt) => Deadline = Min(batchEnd, submittedAt + bulkWait);

    public bool MaySend { get; set; } = true;

    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    // Storage failed during the pass: what it knows of the store may be out of date, so it hands nothing on.
    public bool StorageFailed { get; set; }

    // This batch's prospects the pass works on, by id, and those it completed (no PATCH needed).
    public Dictionary<long, ProspectPlan> Entries { get; } = [];

    // True: a bulk job wrote what the prospect needed; false: nothing was left to send.
    public Dictionary<CoalescedUpdate, bool> Completed { get; } = new(ReferenceEqualityComparer.Instance);

    public HashSet<string> AudiencesWritten { get; } = new(StringComparer.OrdinalIgnoreCase);

    // A bulk job wrote all of this prospect's remaining fields: counted as the PATCH path counts an applied PATCH.
    public void Written(ProspectPlan entry)
    {
        Completed[entry.Group] = true;
        Count(DeliveryCounterNames.Stale, entry.Stale);
        Count(DeliveryCounterNames.Duplicate, entry.Duplicate);
        Count(DeliveryCounterNames.Applied, 1);
        Count(DeliveryCounterNames.MessagesApplied, entry.Group.Messages.Count);
        foreach (var (_, field) in entry.Fresh)
        {
            if (field.Change.AudienceId is { } audienceId)
            {
                Count(DeliveryCounterNames.AudienceWritten(audienceId, field.Change.Value.AsString() ?? field.Change.Value.Json), 1);
                AudiencesWritten.Add(audienceId);
            }
        }
    }

    public void Count(string name, long amount)
    {
        if (amount != 0)
        {
            Counts[name] = Counts.GetValueOrDefault(name) + amount;
        }
    }

    // The plans of the prospects left to the PATCH path. After a storage failure what the pass knows of the store may be
    // out of date, so it hands none on.
    public IReadOnlyDictionary<long, ProspectPlan> Plans() => StorageFailed
        ? new Dictionary<long, ProspectPlan>()
        : Entries.Values.Where(e => !Completed.ContainsKey(e.Group)).ToDictionary(e => e.Group.ProspectId);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

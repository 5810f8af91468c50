using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>
/// The state of one <see cref="BulkPass"/>: its prospects, those it completed, its counts, and its deadline: the bulk
/// wait after the last accepted bulk action (so reading and sending do not eat the time its jobs get), never past the
/// batch's own end. Its calls take permits here, under that deadline, and a 429 or refused credentials stop them.
/// </summary>
public sealed class BulkPassRun
{
    // Table storage round trips of one pass that run at once (version reads and writes of different prospects).
    private const int StorageConcurrency = 8;

    private readonly DateTimeOffset _batchEnd;
    private readonly TimeSpan _bulkWait;
    private readonly PermitTaker _permits;
    private readonly BulkCallCost _cost;

    internal BulkPassRun(DateTimeOffset batchEnd, TimeSpan bulkWait, DateTimeOffset startedAt, PermitTaker permits, BulkCallCost cost)
    {
        (_batchEnd, _bulkWait, _permits, _cost) = (batchEnd, bulkWait, permits, cost);
        Deadline = Min(batchEnd, startedAt + bulkWait);
    }

    /// <summary>The most permits one call should ask for.</summary>
    public int PermitCap => _permits.Cap;

    internal static ParallelOptions Concurrently(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = StorageConcurrency, CancellationToken = cancellationToken };

    /// <summary>Takes <paramref name="count"/> permits before the deadline; false (and no more sending) when the budget refuses.</summary>
    public async Task<bool> TakeAsync(int count, CancellationToken cancellationToken)
    {
        if (await _permits.TakeAsync(count, Deadline, cancellationToken) is null)
        {
            return true;
        }

        // The PATCH path meets the same empty budget and defers its messages to when permits return.
        MaySend = false;
        return false;
    }

    /// <summary>Learns from an answer what a bulk call costs; the shared budget itself is corrected by the Outreach HTTP pipeline.</summary>
    public void Observe(OutreachCallOutcome outcome) => _cost.Observe(outcome.RateLimit);

    /// <summary>After a 429 (the shared budget is blocked) or refused credentials, the pass sends nothing more.</summary>
    public async Task StopOnRateLimitAsync(OutreachCallOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case OutreachCallOutcome.RateLimited limited:
                MaySend = false;
                await _permits.Budget.BlockAsync(limited.RetryAt, cancellationToken);
                break;
            case OutreachCallOutcome.Unauthorized:
                MaySend = false;
                break;
        }
    }

    /// <summary>When the pass stops sending and polling.</summary>
    public DateTimeOffset Deadline { get; private set; }

    /// <summary>A bulk job was accepted at <paramref name="submittedAt"/>: the pass may wait for it the bulk wait from then.</summary>
    public void WaitFrom(DateTimeOffset submittedAt) => Deadline = Min(_batchEnd, submittedAt + _bulkWait);

    /// <summary>False once the budget refused or Outreach answered 429 or 401: the pass sends nothing more.</summary>
    public bool MaySend { get; set; } = true;

    /// <summary>Counter increments of the pass.</summary>
    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Storage failed during the pass: what it knows of the store may be out of date, so it hands nothing on.</summary>
    public bool StorageFailed { get; set; }

    /// <summary>This batch's prospects the pass planned, by id.</summary>
    public Dictionary<long, ProspectPlan> Entries { get; } = [];

    /// <summary>Prospects that need no PATCH. True: a bulk job wrote what the prospect needed; false: nothing was left to send.</summary>
    public Dictionary<CoalescedUpdate, bool> Completed { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Audiences whose field a bulk job wrote.</summary>
    public HashSet<string> AudiencesWritten { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A bulk job wrote all of this prospect's remaining fields: counted as the PATCH path counts an applied PATCH.</summary>
    public void Written(ProspectPlan entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
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

    /// <summary>Adds to a counter of the pass.</summary>
    public void Count(string name, long amount)
    {
        if (amount != 0)
        {
            Counts[name] = Counts.GetValueOrDefault(name) + amount;
        }
    }

    /// <summary>
    /// The plans of the prospects left to the PATCH path. After a storage failure what the pass knows of the store may
    /// be out of date, so it hands none on.
    /// </summary>
    public IReadOnlyDictionary<long, ProspectPlan> Plans() => StorageFailed
        ? new Dictionary<long, ProspectPlan>()
        : Entries.Values.Where(e => !Completed.ContainsKey(e.Group)).ToDictionary(e => e.Group.ProspectId);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

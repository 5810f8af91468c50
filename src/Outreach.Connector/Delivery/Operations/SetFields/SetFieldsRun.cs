using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// One batch's state in <see cref="SetFieldsOperation"/>: its plans, the prospects it completed, and the window of its
/// shared bulk calls: the bulk wait after the last accepted bulk action (so reading and sending do not eat the time its
/// jobs get), never past the batch's own end. Its bulk calls take permits here, under that deadline, and a 429 or
/// refused credentials stop them. Counts and fates go to the <see cref="BatchRun"/>.
/// </summary>
internal sealed class SetFieldsRun
{
    // Table storage round trips of one batch that run at once (version reads and writes of different prospects).
    private const int StorageConcurrency = 8;

    private readonly TimeSpan _bulkWait;
    private readonly PermitTaker _permits;
    private readonly BulkCallCost _cost;
    private readonly DeliveryRecorder _recorder;

    internal SetFieldsRun(BatchRun batch, TimeSpan bulkWait, DateTimeOffset now, PermitTaker permits, BulkCallCost cost, DeliveryRecorder recorder)
    {
        (Batch, _bulkWait, _permits, _cost, _recorder) = (batch, bulkWait, permits, cost, recorder);
        Deadline = Min(batch.Deadline, now + bulkWait);
    }

    /// <summary>The batch this run belongs to.</summary>
    public BatchRun Batch { get; }

    /// <summary>When the shared bulk calls stop sending and polling.</summary>
    public DateTimeOffset Deadline { get; private set; }

    /// <summary>False once the budget refused or Outreach answered 429 or 401: no more bulk calls.</summary>
    public bool MaySend { get; set; } = true;

    /// <summary>Whether never-written prospects are read before their first write (false while imports carry the batch).</summary>
    public bool ReadBeforeWrite { get; set; } = true;

    /// <summary>The most permits one call should ask for.</summary>
    public int PermitCap => _permits.Cap;

    /// <summary>This batch's plans, by prospect id.</summary>
    public Dictionary<long, ProspectPlan> Plans { get; } = [];

    /// <summary>Prospects that need no PATCH: a bulk job wrote what they needed, or nothing was left to send.</summary>
    public HashSet<CoalescedUpdate> Completed { get; } = new(ReferenceEqualityComparer.Instance);

    internal static ParallelOptions Concurrently(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = StorageConcurrency, CancellationToken = cancellationToken };

    /// <summary>A bulk job was accepted at <paramref name="submittedAt"/>: the batch may wait for it the bulk wait from then.</summary>
    public void WaitFrom(DateTimeOffset submittedAt) => Deadline = Min(Batch.Deadline, submittedAt + _bulkWait);

    /// <summary>Adds to one of the batch's counters.</summary>
    public void Count(string name, long amount) => Batch.Count(name, amount);

    /// <summary>Takes <paramref name="count"/> permits before the deadline; false (and no more bulk calls) when the budget refuses.</summary>
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

    /// <summary>After a 429 (the shared budget is blocked) or refused credentials, no more bulk calls.</summary>
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

    /// <summary>A bulk job wrote all of the plan's remaining fields (their versions are recorded): its messages are delivered.</summary>
    public void Written(ProspectPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Completed.Add(plan.Group);
        CountDropped(plan);
        _recorder.Delivered(Batch, plan.Group, plan.Fresh);
    }

    /// <summary>Nothing is left to send for the plan (its unchanged fields are recorded): its messages are up to date.</summary>
    public void UpToDate(ProspectPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Completed.Add(plan.Group);
        CountDropped(plan);
        Batch.Decide(plan.Group, (id, attempts) => new MessageFate.UpToDate(id, attempts));
        Batch.Count(DeliveryCounterNames.UpToDate, plan.Group.Messages.Count);
    }

    // Stale and duplicate fields are counted when the prospect is finished, as the PATCH path counts them when it sends.
    private void CountDropped(ProspectPlan plan)
    {
        Batch.Count(DeliveryCounterNames.Stale, plan.Stale);
        Batch.Count(DeliveryCounterNames.Duplicate, plan.Duplicate);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

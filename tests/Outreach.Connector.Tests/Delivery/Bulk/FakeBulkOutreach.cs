using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Delivery.Bulk;

/// <summary>An in-memory Outreach for the bulk path: prospects' values, bulk jobs that finish after a set number of polls, item failures.</summary>
internal sealed class FakeBulkOutreach : IBulkOutreachClient
{
    private readonly Dictionary<string, (List<long> Ids, IReadOnlyDictionary<string, FieldValue> Change, int PollsLeft)> _jobs = [];

    public Dictionary<long, Dictionary<string, FieldValue>> Prospects { get; } = [];

    public int MaxIdsPerRead { get; set; } = 100;

    public int MaxIdsPerBulkCall { get; set; } = 100;

    public bool CarriesSeveralFields { get; set; } = true;

    public List<(List<long> Ids, Dictionary<string, string> Change)> Submitted { get; } = [];

    public List<List<long>> Reads { get; } = [];

    public int Polls { get; private set; }

    /// <summary>Polls a job answers "not finished" before it finishes.</summary>
    public int PollsBeforeFinished { get; set; }

    /// <summary>Prospects whose bulk item fails (validation error).</summary>
    public HashSet<long> FailingItems { get; } = [];

    /// <summary>When set, every bulk action is refused with this outcome.</summary>
    public OutreachCallOutcome.Permanent? RefuseBulk { get; set; }

    public Task<OutreachCallOutcome> ReadProspectsAsync(IReadOnlyList<long> prospectIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken)
    {
        Reads.Add([.. prospectIds]);
        IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldValue>> found = prospectIds
            .Where(Prospects.ContainsKey)
            .ToDictionary(id => id, IReadOnlyDictionary<string, FieldValue> (id) => Prospects[id].Where(f => fields.Contains(f.Key)).ToDictionary());
        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldValue>>>(found, 200, default));
    }

    public Task<OutreachCallOutcome> SubmitAsync(IReadOnlyList<long> prospectIds, IReadOnlyDictionary<string, FieldValue> change, CancellationToken cancellationToken)
    {
        Assert.NotEmpty(prospectIds);
        Submitted.Add(([.. prospectIds], change.ToDictionary(c => c.Key, c => c.Value.Json)));
        if (RefuseBulk is { } refused)
        {
            return Task.FromResult<OutreachCallOutcome>(refused);
        }

        var id = "batch" + (_jobs.Count + 1);
        _jobs[id] = ([.. prospectIds], change, PollsBeforeFinished);
        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<string>(id, 200, new RateLimitSnapshot(null, 9_000 - Submitted.Count, null)));
    }

    public Task<OutreachCallOutcome> PollAsync(string batchId, CancellationToken cancellationToken)
    {
        Polls++;
        var job = _jobs[batchId];
        if (job.PollsLeft > 0)
        {
            _jobs[batchId] = job with { PollsLeft = job.PollsLeft - 1 };
            return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<BulkJobProgress>(new BulkJobProgress(false, job.Ids.Count, 0), 200, default));
        }

        var failures = job.Ids.Count(FailingItems.Contains);
        foreach (var prospect in job.Ids.Where(i => !FailingItems.Contains(i)))
        {
            var values = Prospects.TryGetValue(prospect, out var existing) ? existing : Prospects[prospect] = [];
            foreach (var (field, value) in job.Change)
            {
                values[field] = value;
            }
        }

        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<BulkJobProgress>(new BulkJobProgress(true, job.Ids.Count, failures), 200, default));
    }

    /// <summary>Lets every job accepted so far finish at its next poll.</summary>
    public void FinishAll()
    {
        foreach (var id in _jobs.Keys.ToList())
        {
            _jobs[id] = _jobs[id] with { PollsLeft = 0 };
        }
    }

    public Task<OutreachCallOutcome> ReadFailuresAsync(string batchId, CancellationToken cancellationToken)
    {
        var failed = _jobs[batchId].Ids.Where(FailingItems.Contains).ToHashSet();
        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<BulkItemFailures>(new BulkItemFailures(failed, true), 200, default));
    }
}

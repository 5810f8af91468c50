using System.Text.Json;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Delivery.Bulk;

/// <summary>
/// An in-memory Outreach for the set-fields operation's reads and bulk actions (the two client interfaces it calls):
/// prospects' values, bulk jobs that finish after a set number of polls, item failures.
/// </summary>
internal sealed class FakeBulkOutreach : IOutreachProspectReader, IOutreachBulkClient
{
    private readonly Dictionary<long, (List<long> Ids, IReadOnlyList<KeyValuePair<string, FieldValue>> Change, int PollsLeft)> _jobs = [];

    public Dictionary<long, Dictionary<string, FieldValue>> Prospects { get; } = [];

    public int MaxIdsPerRequest { get; set; } = 100;

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

    public Task<OutreachCallOutcome> ReadAsync(
        IReadOnlyCollection<long> ids, IReadOnlyList<string> fields, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken)
    {
        Reads.Add([.. ids]);
        var found = ids
            .Where(Prospects.ContainsKey)
            .Select(id => new ProspectValues(id, Prospects[id].Where(f => fields.Contains(f.Key)).ToDictionary(f => f.Key, f => JsonDocument.Parse(f.Value.Json).RootElement.Clone())))
            .ToList();
        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<ProspectsRead>(new ProspectsRead(found, 1), 200, default));
    }

    public Task<OutreachCallOutcome> ModifyAsync(
        BulkProspectIds ids, IReadOnlyList<KeyValuePair<string, FieldValue>> changes, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken)
    {
        Assert.NotEmpty(ids);
        Submitted.Add(([.. ids], changes.ToDictionary(c => c.Key, c => c.Value.Json)));
        if (RefuseBulk is { } refused)
        {
            return Task.FromResult<OutreachCallOutcome>(refused);
        }

        var id = _jobs.Count + 1L;
        _jobs[id] = ([.. ids], changes, PollsBeforeFinished);
        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<BatchStatus>(
            Status(id, finished: false, ids.Count, 0), 200, new RateLimitSnapshot(null, 9_000 - Submitted.Count, null)));
    }

    public Task<OutreachCallOutcome> GetBatchAsync(long batchId, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken)
    {
        Polls++;
        var job = _jobs[batchId];
        if (job.PollsLeft > 0)
        {
            _jobs[batchId] = job with { PollsLeft = job.PollsLeft - 1 };
            return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<BatchStatus>(Status(batchId, finished: false, job.Ids.Count, 0), 200, default));
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

        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<BatchStatus>(Status(batchId, finished: true, job.Ids.Count, failures), 200, default));
    }

    /// <summary>Lets every job accepted so far finish at its next poll.</summary>
    public void FinishAll()
    {
        foreach (var id in _jobs.Keys.ToList())
        {
            _jobs[id] = _jobs[id] with { PollsLeft = 0 };
        }
    }

    public Task<OutreachCallOutcome> ReadFailuresAsync(long batchId, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken)
    {
        var failed = _jobs[batchId].Ids.Where(FailingItems.Contains).Select((id, i) => new BatchItemFailure(i + 1, id, "validation error")).ToList();
        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<ListPages<BatchItemFailure>>(new ListPages<BatchItemFailure>(failed, 1), 200, default));
    }

    private static BatchStatus Status(long id, bool finished, int total, int failures) =>
        new(id, finished ? "complete" : "processing", total, finished ? 0 : total, failures, finished ? DateTimeOffset.UtcNow : null);
}

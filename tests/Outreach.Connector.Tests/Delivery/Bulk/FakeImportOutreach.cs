using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Delivery.Bulk;

/// <summary>An in-memory Outreach for imports: records land in the bulk fake's prospects when the import is first read, unless it applies nothing.</summary>
internal sealed class FakeImportOutreach(FakeBulkOutreach prospects) : IOutreachImportClient
{
    private readonly Dictionary<long, IReadOnlyList<ImportRecord>> _imports = [];

    /// <summary>Every import sent, with its records.</summary>
    public List<IReadOnlyList<ImportRecord>> Sent { get; } = [];

    /// <summary>Imports say "completed" but change nothing.</summary>
    public bool ApplyNothing { get; set; }

    /// <summary>Imports are still processing when read (nothing applied yet); set back to false to let them finish.</summary>
    public bool Running { get; set; }

    /// <summary>Prospects whose record fails (counted, not applied).</summary>
    public HashSet<long> FailingRecords { get; } = [];

    public Task<OutreachCallOutcome> UpsertAsync(IReadOnlyList<ImportRecord> records, CancellationToken cancellationToken)
    {
        Assert.NotEmpty(records);
        Sent.Add(records);
        var id = _imports.Count + 1L;
        _imports[id] = records;
        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<ImportStatus>(new ImportStatus(id, "pending", records.Count, 0, 0, null), 200, default));
    }

    public Task<OutreachCallOutcome> GetImportAsync(long importId, CancellationToken cancellationToken)
    {
        var records = _imports[importId];
        if (Running)
        {
            return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<ImportStatus>(new ImportStatus(importId, "processing", records.Count, 0, 0, null), 200, default));
        }

        var failures = 0;
        foreach (var record in records)
        {
            if (FailingRecords.Contains(record.ProspectId))
            {
                failures++;
                continue;
            }

            if (!ApplyNothing)
            {
                var values = prospects.Prospects.TryGetValue(record.ProspectId, out var existing) ? existing : prospects.Prospects[record.ProspectId] = [];
                foreach (var (field, value) in record.Attributes)
                {
                    values[field] = value;
                }
            }
        }

        return Task.FromResult<OutreachCallOutcome>(new OutreachCallOutcome.Succeeded<ImportStatus>(new ImportStatus(importId, "completed", records.Count, failures, records.Count, null), 200, default));
    }
}

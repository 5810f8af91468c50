using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Admin;

/// <summary>A bounded, thread-safe log of the calls the sandbox saw, plus running counters that survive log trimming.</summary>
internal sealed class RequestLog(IOptions<SandboxOptions> options)
{
    private readonly int _capacity = Math.Max(1, options.Value.RequestLogCapacity);
    private readonly Lock _gate = new();
    private readonly Queue<RequestLogEntry> _entries = new();
    private readonly Dictionary<string, long> _byStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byFault = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Total, Dictionary<string, long> ByStatus)> _byUser = new(StringComparer.OrdinalIgnoreCase);
    private long _sequence;
    private long _total;

    public void Add(DateTimeOffset time, string method, string path, long? prospectId, int status, string? user, string? clientId, string? fault)
    {
        var statusKey = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _entries.Enqueue(new RequestLogEntry(++_sequence, time, method, path, prospectId, status, user, clientId, fault));
            while (_entries.Count > _capacity)
            {
                _entries.Dequeue();
            }

            _total++;
            Increment(_byStatus, statusKey);
            if (fault is not null)
            {
                Increment(_byFault, fault);
            }

            if (user is not null)
            {
                if (!_byUser.TryGetValue(user, out var counts))
                {
                    counts = (0, new Dictionary<string, long>(StringComparer.Ordinal));
                }

                Increment(counts.ByStatus, statusKey);
                _byUser[user] = (counts.Total + 1, counts.ByStatus);
            }
        }
    }

    /// <summary>Entries with a sequence greater than <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<RequestLogEntry> Read(long after, int limit)
    {
        lock (_gate)
        {
            return [.. _entries.Where(e => e.Sequence > after).Take(limit)];
        }
    }

    public (long Total, Dictionary<string, long> ByStatus, Dictionary<string, long> ByFault, List<UserCounters> Users) Counters()
    {
        lock (_gate)
        {
            return (
                _total,
                new Dictionary<string, long>(_byStatus, StringComparer.Ordinal),
                new Dictionary<string, long>(_byFault, StringComparer.Ordinal),
                [.. _byUser.Select(pair => new UserCounters(pair.Key, pair.Value.Total, new Dictionary<string, long>(pair.Value.ByStatus, StringComparer.Ordinal)))]);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _byStatus.Clear();
            _byFault.Clear();
            _byUser.Clear();
            _total = 0;
            // The sequence keeps growing so a reader paging with "after" never sees numbers reused.
        }
    }

    private static void Increment(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}

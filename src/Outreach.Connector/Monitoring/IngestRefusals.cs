using System.Diagnostics.Metrics;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// Counts the ingest requests the connector refused (4xx answers: unauthorized, wrong media type, too large, malformed,
/// no usable profile …) by reason, and keeps the last few with their time, for the status page and the metrics.
/// </summary>
/// <remarks>
/// Held in memory per process: refusals are about what clients send right now, not a ledger; the metric
/// <c>outreach.ingest.refusals</c> (tags <c>reason</c>, <c>status</c>) is the durable, all-instance view.
/// </remarks>
public sealed class IngestRefusals
{
    /// <summary>How many recent refusals are kept.</summary>
    public const int RecentCapacity = 20;

    /// <summary>The metric's name.</summary>
    public const string MetricName = "outreach.ingest.refusals";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly Queue<IngestRefusal> _recent = new(RecentCapacity);
    private readonly TimeProvider _time;
    private readonly Counter<long>? _counter;

    /// <summary>Creates the store; with <paramref name="metrics"/>, each refusal is also a metric increment.</summary>
    public IngestRefusals(TimeProvider time, ConnectorMetrics? metrics = null)
    {
        _time = time;
        _counter = metrics?.Meter.CreateCounter<long>(MetricName, "{request}", "Ingest requests refused with a 4xx answer, by reason.");
    }

    /// <summary>Records one refused request.</summary>
    /// <param name="statusCode">The 4xx status answered.</param>
    /// <param name="reason">The error code of the answer (<c>unsupported_media_type</c>, <c>body_too_large</c> …).</param>
    public void Record(int statusCode, string reason)
    {
        var refusal = new IngestRefusal(_time.GetUtcNow(), statusCode, reason);
        lock (_gate)
        {
            _byReason[reason] = _byReason.GetValueOrDefault(reason) + 1;
            if (_recent.Count == RecentCapacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(refusal);
        }

        _counter?.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("status", statusCode));
    }

    /// <summary>The counts since start and the most recent refusals, newest first.</summary>
    public IngestRefusalSummary Snapshot()
    {
        lock (_gate)
        {
            return new IngestRefusalSummary(
                _byReason.Values.Sum(),
                new SortedDictionary<string, long>(_byReason, StringComparer.Ordinal),
                [.. _recent.Reverse()]);
        }
    }
}

/// <summary>The refused ingest requests since the process started.</summary>
/// <param name="Total">All refusals.</param>
/// <param name="ByReason">Refusals per reason code.</param>
/// <param name="Recent">The last few, newest first.</param>
public sealed record IngestRefusalSummary(long Total, IReadOnlyDictionary<string, long> ByReason, IReadOnlyList<IngestRefusal> Recent);

/// <summary>One refused ingest request.</summary>
/// <param name="At">When it was answered.</param>
/// <param name="StatusCode">The status answered.</param>
/// <param name="Reason">The error code answered.</param>
public sealed record IngestRefusal(DateTimeOffset At, int StatusCode, string Reason);

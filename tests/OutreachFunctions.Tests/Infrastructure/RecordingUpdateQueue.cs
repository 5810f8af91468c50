using System.Collections.Concurrent;
using Outreach.Connector.Queueing;
using Outreach.Connector.Updates;

namespace OutreachFunctions.Tests.Infrastructure;

/// <summary>An in-memory queue that records what ingest queued, for tests that send thousands of requests.</summary>
public sealed class RecordingUpdateQueue : IUpdateQueue
{
    /// <summary>Everything queued, in order of arrival.</summary>
    public ConcurrentQueue<ProspectUpdate> Updates { get; } = new();

    /// <inheritdoc />
    public Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken)
    {
        foreach (var update in updates)
        {
            Updates.Enqueue(update);
        }

        return Task.CompletedTask;
    }

    /// <summary>Takes everything queued so far.</summary>
    public List<ProspectUpdate> Drain()
    {
        var drained = new List<ProspectUpdate>();
        while (Updates.TryDequeue(out var update))
        {
            drained.Add(update);
        }

        return drained;
    }
}

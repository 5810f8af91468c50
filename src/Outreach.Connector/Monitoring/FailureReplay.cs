using System.Diagnostics;
using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Queueing;
using Outreach.Connector.Queueing.ServiceBus;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// Puts failed updates from the failure ledger back on the update queue, after the operator fixed the cause (created the
/// missing custom field, corrected a mapping ID), and removes each from the ledger only once it is queued.
/// </summary>
/// <remarks>
/// A crash between the enqueue and the delete leaves the entry in the ledger while its update is queued: replaying
/// again queues it twice, which delivery absorbs (a value already applied is not sent again). The other order could lose
/// an update. An update that fails again is filed again under its (possibly new) error.
/// </remarks>
public sealed partial class FailureReplay(FailureLedger ledger, ILogger<FailureReplay> logger, DeliveryCounters? counters = null, ConnectorMetrics? metrics = null)
{
    /// <summary>Entries replayed per queue call.</summary>
    private const int ChunkSize = 10;

    /// <summary>The most entries one replay handles unless the query says otherwise.</summary>
    public const int DefaultMaxResults = 1000;

    /// <summary>Replays the entries matching <paramref name="query"/> onto <paramref name="queue"/>; with <paramref name="listOnly"/>, only lists them.</summary>
    public async Task<ReplayResult> ReplayAsync(FailureQuery query, IUpdateQueue? queue, bool listOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!listOnly)
        {
            // Listing only reads the ledger, so it needs no queue (nor a Service Bus sender).
            ArgumentNullException.ThrowIfNull(queue);
        }

        using var activity = ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.Replay);
        activity?.SetTag("outreach.replay.error_id", query.ErrorId);
        activity?.SetTag("outreach.replay.audience_id", query.AudienceId);

        // Read first, then change: deleting while paging through the same query could skip entries.
        var matched = new List<FailureLedgerEntry>();
        await foreach (var entry in ledger.QueryAsync(query with { MaxResults = query.MaxResults ?? DefaultMaxResults }, cancellationToken))
        {
            matched.Add(entry);
        }

        var replayed = new HashSet<FailureLedgerKey>();
        string? error = null;
        if (!listOnly)
        {
            var traceParent = Activity.Current?.IdFormat == ActivityIdFormat.W3C ? Activity.Current.Id : null;
            foreach (var chunk in matched.Chunk(ChunkSize))
            {
                try
                {
                    var updates = chunk.Select(e => traceParent is null ? e.Update : e.Update with { TraceParent = traceParent }).ToList<ProspectUpdate>();
                    await queue!.EnqueueAsync(updates, cancellationToken);
                }
                catch (Exception ex) when (ex is RequestFailedException or ServiceBusSendException or HttpRequestException or IOException or InvalidOperationException)
                {
                    error = $"The update queue refused the replay ({ex.GetType().Name}: {ex.Message}); {matched.Count - replayed.Count} entries stay in the ledger.";
                    LogQueueFailed(ex.GetType().Name, matched.Count - replayed.Count);
                    break;
                }

                foreach (var entry in chunk)
                {
                    await ledger.DeleteAsync(entry.Key, cancellationToken);
                    replayed.Add(entry.Key);
                }
            }

            await CountAsync(replayed.Count);
            LogReplayed(replayed.Count, matched.Count, query.ErrorId ?? "any", query.AudienceId ?? "any");
        }

        activity?.SetTag("outreach.replay.matched", matched.Count);
        activity?.SetTag("outreach.replay.replayed", replayed.Count);
        var entries = matched
            .Select(e => new ReplayedEntry(e.Key.ToString(), e.ProspectId, e.Key.Partition, e.Explanation, replayed.Contains(e.Key)))
            .ToList();
        return new ReplayResult(matched.Count, replayed.Count, listOnly, error, entries);
    }

    private async Task CountAsync(int replayed)
    {
        if (replayed == 0)
        {
            return;
        }

        metrics?.RecordReplayed(replayed);
        if (counters is not null)
        {
            try
            {
                await counters.IncrementAsync(new Dictionary<string, long> { [DeliveryCounterNames.Replayed] = replayed }, CancellationToken.None);
            }
            catch (RequestFailedException ex)
            {
                LogCountersFailed(ex.Status);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Replayed} of {Matched} failed updates (error {ErrorId}, audience {AudienceId}) onto the update queue")]
    private partial void LogReplayed(int replayed, int matched, string errorId, string audienceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The update queue refused a replay ({ExceptionType}); {Remaining} entries stay in the failure ledger")]
    private partial void LogQueueFailed(string exceptionType, int remaining);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count a replay (storage status {Status})")]
    private partial void LogCountersFailed(int status);
}

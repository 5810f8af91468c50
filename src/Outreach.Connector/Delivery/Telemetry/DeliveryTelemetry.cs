using System.Diagnostics;
using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Telemetry;

/// <summary>
/// The delivery engine's observer: OpenTelemetry spans (<see cref="ConnectorTelemetry"/>), metrics
/// (<see cref="ConnectorMetrics"/>, when registered), the hourly counters in Table storage and the last-activity record
/// the status page reads (<see cref="DeliveryActivityStore"/>, when registered).
/// </summary>
public sealed class DeliveryTelemetry(
    DeliveryCounters counters,
    ILogger<DeliveryEngine> logger,
    ConnectorMetrics? metrics = null,
    DeliveryActivityStore? activity = null) : IDeliveryObserver
{
    /// <inheritdoc />
    public IDisposable? BatchStarted(int messages, TimeSpan oldestUpdateAge)
    {
        var batchActivity = ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.DeliverBatch);
        batchActivity?.SetTag("outreach.batch.messages", messages);
        metrics?.RecordQueueLag(oldestUpdateAge);
        return batchActivity;
    }

    /// <summary>
    /// One span per prospect, a child of the ingest request of the group's last message in batch order, so one trace
    /// follows an update from AEP's POST through the queue to the PATCH; the other updates' traces are linked.
    /// </summary>
    public Activity? ProspectStarted(CoalescedUpdate group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!ConnectorTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var contexts = group.Messages
            .Select(m => ActivityContext.TryParse(m.Update.TraceParent, null, out var context) ? context : default)
            .Where(context => context != default)
            .ToList();
        var parent = contexts.Count > 0 ? contexts[^1] : default;
        var links = contexts.Count > 1 ? contexts.SkipLast(1).Distinct().Select(c => new ActivityLink(c)).ToList() : null;
        var prospect = parent == default
            ? ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.DeliverProspect)
            : ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.DeliverProspect, ActivityKind.Internal, parent, links: links);
        prospect?.SetTag("outreach.prospect.id", group.ProspectId);
        prospect?.SetTag("outreach.prospect.messages", group.Messages.Count);
        return prospect;
    }

    /// <inheritdoc />
    public void PatchAnswered(Activity? prospect, OutreachCallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        // "Applied" names a PATCH's success on the span, as before every Outreach call shared one outcome type.
        prospect?.SetTag("outreach.outcome", outcome is OutreachCallOutcome.Succeeded ? "Applied" : outcome.GetType().Name);
        if (outcome.RateLimit.Remaining is { } remaining)
        {
            metrics?.RecordBudgetRemaining(remaining);
        }
    }

    /// <inheritdoc />
    public void AudienceWritten(string audienceId, string value) => metrics?.RecordAudienceWrite(audienceId, value);

    /// <inheritdoc />
    public void NeedsReauthorization() => metrics?.RecordNeedsReauthorization("request_refused");

    /// <inheritdoc />
    public async Task WorkFinishedAsync(DateTimeOffset startedAt, IReadOnlyDictionary<string, long> counts)
    {
        metrics?.RecordDelivery(counts);
        try
        {
            await counters.IncrementAsync(startedAt, counts, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            // Counters are telemetry: losing one batch's counts must not redeliver its messages.
            DeliveryLog.CountersFailed(logger, ex);
        }
    }

    /// <inheritdoc />
    public async Task BatchFinishedAsync(DateTimeOffset startedAt, TimeSpan oldestUpdateAge, IReadOnlyDictionary<string, long> counts, IReadOnlyCollection<string> audiencesWritten)
    {
        await WorkFinishedAsync(startedAt, counts);
        if (activity is null)
        {
            return;
        }

        try
        {
            await activity.RecordBatchAsync(startedAt, oldestUpdateAge, audiencesWritten, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            // Monitoring state, like the counters: never a reason to redeliver.
            DeliveryLog.CountersFailed(logger, ex);
        }
    }
}

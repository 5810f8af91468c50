using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Mapping;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Queueing;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Ingest;

/// <summary>
/// The ingest use case shared by the standalone endpoint and the Functions HTTP trigger: translate an AEP export,
/// queue one update per accepted profile, and produce the answer for AEP. Never calls Outreach.
/// </summary>
/// <remarks>
/// Counts every profile in the hourly <see cref="DeliveryCounters"/> (when registered) and in <see cref="ConnectorMetrics"/>,
/// and stamps each queued update with the trace of the request (<see cref="Updates.ProspectUpdate.TraceParent"/>), so
/// delivery continues the same trace.
/// </remarks>
public sealed partial class IngestService(
    ExportTranslator translator,
    TimeProvider time,
    ILogger<IngestService> logger,
    DeliveryCounters? counters = null,
    ConnectorMetrics? metrics = null)
{
    // Well inside AEP's 2 s answer limit, after translation and queuing have taken their share.
    private static readonly TimeSpan CounterWriteBound = TimeSpan.FromMilliseconds(500);

    /// <summary>Handles one request body, queuing accepted updates on <paramref name="queue"/>.</summary>
    /// <remarks>
    /// Updates are queued only after the whole body was read and translated, so a malformed body queues nothing. If the
    /// queue fails part-way the caller answers 503 and AEP retries; updates queued before the failure are delivered
    /// twice at worst, which cannot change the result (delivery drops values it already applied).
    /// </remarks>
    public async Task<(ExportTranslation Translation, IngestResponse Response)> AcceptAsync(Stream body, IUpdateQueue queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        using var activity = ConnectorTelemetry.ActivitySource.StartActivity(ConnectorTelemetry.Activities.Ingest, ActivityKind.Producer);
        var receivedAt = time.GetUtcNow();
        var translation = await translator.TranslateAsync(body, receivedAt, cancellationToken);
        if (translation.BodyError is { } error)
        {
            LogBodyRefused(error.Code);
            activity?.SetTag("outreach.ingest.refused", error.Code);
        }
        else
        {
            // The request's trace (ours, or the host's when nobody listens to the connector's source) travels with each update.
            var traceParent = Activity.Current?.IdFormat == ActivityIdFormat.W3C ? Activity.Current.Id : null;
            var updates = translation.Updates.Select(u => traceParent is null ? u : u with { TraceParent = traceParent }).ToList();
            if (updates.Count > 0)
            {
                await queue.EnqueueAsync(updates, cancellationToken);
            }

            activity?.SetTag("outreach.ingest.accepted", translation.AcceptedCount);
            activity?.SetTag("outreach.ingest.excluded", translation.ExcludedCount);
            activity?.SetTag("outreach.ingest.invalid", translation.InvalidCount);
            LogTranslated(translation.AcceptedCount, translation.ExcludedCount, translation.InvalidCount);
        }

        metrics?.RecordIngest(translation);
        await CountAsync(translation, receivedAt);
        return (translation, IngestResponse.For(translation));
    }

    // Counted after queuing: a request whose queue write failed is answered 503 and counted when AEP retries it.
    private async Task CountAsync(ExportTranslation translation, DateTimeOffset receivedAt)
    {
        if (counters is null)
        {
            return;
        }

        var increments = new Dictionary<string, long>(StringComparer.Ordinal);
        if (translation.BodyError is not null)
        {
            increments[Names.IngestRefused] = 1;
        }
        else
        {
            increments[Names.IngestReceived] = translation.Outcomes.Count;
            increments[Names.IngestAccepted] = translation.AcceptedCount;
            increments[Names.Excluded] = translation.ExcludedCount;
            increments[Names.Invalid] = translation.InvalidCount;
            foreach (var excluded in translation.Outcomes.OfType<ProfileOutcome.Excluded>())
            {
                var name = Names.ExcludedFor(excluded.Reason);
                increments[name] = increments.GetValueOrDefault(name) + 1;
            }
        }

        // Not the request's token: AEP hanging up must not lose the counts of updates already queued.
        var write = counters.IncrementAsync(receivedAt, increments, CancellationToken.None);
        try
        {
            // Bounded: AEP allows 2 s per request and the updates are already queued, so counters (telemetry) never
            // cost an export its answer; a slow write finishes in the background.
            await write.WaitAsync(CounterWriteBound, time);
        }
        catch (TimeoutException)
        {
            _ = write.ContinueWith(t => LogCountersFailed(t.Exception!.GetBaseException().GetType().Name), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
#pragma warning disable CA1031 // Any failure of a telemetry write (storage, identity, network) is logged, never the request's failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCountersFailed(ex.GetBaseException().GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AEP export refused whole: {Code}")]
    private partial void LogBodyRefused(string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "AEP export: {Accepted} accepted, {Excluded} excluded, {Invalid} invalid")]
    private partial void LogTranslated(int accepted, int excluded, int invalid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the ingest counters of an export ({Failure})")]
    private partial void LogCountersFailed(string failure);
}

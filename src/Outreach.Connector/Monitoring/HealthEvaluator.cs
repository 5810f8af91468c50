using System.Globalization;
using Azure;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Tokens;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// Decides whether the connector is healthy or degraded, and why: the connection needs (re-)authorization, Outreach's rate
/// limit paused sending, too many updates failed in the last hour, updates wait too long, Outreach refused bulk writes, or
/// a setting is not one the connector knows (<see cref="SettingsWarnings"/>).
/// </summary>
/// <remarks>
/// "The last hour" is the current and the previous clock hour of the hourly counters (between 60 and 120 minutes), so
/// the judgement does not reset at the top of every hour. Storage that cannot be read is itself a reason.
/// </remarks>
public sealed class HealthEvaluator(
    IConnectionState connection,
    RequestBudget budget,
    DeliveryCounters counters,
    DeliveryActivityStore activity,
    IOptions<MonitoringOptions> options,
    TimeProvider time,
    IEnumerable<IHealthReasonSource>? sources = null,
    SettingsWarnings? settingsWarnings = null)
{
    private readonly MonitoringOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;

    /// <summary>Evaluates health now.</summary>
    public async Task<HealthReport> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reasons = new List<HealthReason>();
        await CheckConnectionAsync(reasons, cancellationToken);
        reasons.AddRange(settingsWarnings?.Reasons ?? []);
        foreach (var source in sources ?? [])
        {
            // Bulk writes refused, a sequence not ready, enrolments held: each worth a person's attention.
            reasons.AddRange(await source.ReasonsAsync(cancellationToken));
        }

        try
        {
            // One budget for the storage reads together (DependencyRead.SectionBudget), so a probe gets its answer in
            // seconds when storage is down or slow rather than after the SDK's retries.
            var (status, hours, delivery) = await DependencyRead.WithinAsync(
                "The connector's Table storage",
                DependencyRead.SectionBudget,
                async token => (await budget.ReadStatusAsync(token), await counters.ReadLastHoursAsync(2, token), await activity.ReadAsync(token)),
                cancellationToken);
            if (status.BlockedUntil is { } blocked && blocked > now)
            {
                reasons.Add(new HealthReason(
                    "rate_limited",
                    string.Create(CultureInfo.InvariantCulture, $"Outreach answered 429: sending is paused until {blocked:u}; updates wait in the queue and nothing is lost."),
                    blocked));
            }

            CheckFailureRate(reasons, hours);
            reasons.AddRange(PerRecordBulkReport.HealthReasons(delivery.PerRecordBulk));
            if (delivery.QueueLag is { } lag && lag > _options.QueueLagThreshold && delivery.LastBatchAt is { } at && now - at < TimeSpan.FromHours(1))
            {
                reasons.Add(new HealthReason(
                    "queue_lag",
                    $"The oldest update delivered at {at:u} had waited {DeliveryActivityStore.Describe(lag)} (threshold {DeliveryActivityStore.Describe(_options.QueueLagThreshold)}): the queue is behind, usually because of Outreach's rate limit."));
            }
        }
        catch (Exception ex) when (StorageFailure.IsUnreachable(ex))
        {
            reasons.Add(new HealthReason(StorageFailure.UnreachableCode, $"The connector's storage could not be reached ({StorageFailure.Describe(ex)}): check ConnectorStorage__accountName and the network."));
        }
        catch (RequestFailedException ex)
        {
            reasons.Add(new HealthReason("storage_unavailable", $"The connector's Table storage could not be read ({ex.Status} {ex.ErrorCode})."));
        }
        catch (Exception ex) when (DependencyRead.IsFailure(ex))
        {
            // E.g. the SDK's retries spent on 5xx answers (an AggregateException of them).
            reasons.Add(new HealthReason("storage_unavailable", $"The connector's Table storage could not be read ({DependencyRead.Describe(ex)})."));
        }

        return new HealthReport(reasons.Count == 0 ? HealthReport.Healthy : HealthReport.Degraded, reasons, now);
    }

    private async Task CheckConnectionAsync(List<HealthReason> reasons, CancellationToken cancellationToken)
    {
        // The shared state every instance reads: the token store's status, then this instance's hold after a refusal.
        try
        {
            var report = await DependencyRead.WithinAsync("The token store", DependencyRead.SectionBudget, connection.GetStatusAsync, cancellationToken);
            switch (report.Status)
            {
                case ConnectionStatus.NotConnected:
                    reasons.Add(new HealthReason("not_connected", "Outreach is not connected yet: open the Connect URL and sign in to Outreach."));
                    return;
                case ConnectionStatus.NeedsReauthorization:
                    reasons.Add(new HealthReason(
                        "needs_reauthorization",
                        $"Outreach refused the connection ({report.Reason ?? "no reason given"}): every instance has stopped sending; open the Connect URL and sign in again. Updates wait in the queue."));
                    return;
            }
        }
        catch (Exception ex) when (StorageFailure.IsUnreachable(ex))
        {
            reasons.Add(new HealthReason(StorageFailure.UnreachableCode, $"The token store could not be reached ({StorageFailure.Describe(ex)})."));
            return;
        }
        catch (Exception ex) when (ex is RequestFailedException or IOException or InvalidOperationException || DependencyRead.IsFailure(ex))
        {
            reasons.Add(new HealthReason("storage_unavailable", $"The token store could not be read ({ex.GetType().Name})."));
            return;
        }

        if (connection.Status is { } paused)
        {
            reasons.Add(new HealthReason(
                "needs_reauthorization",
                $"Outreach refused the credentials ({paused.Reason}); delivery is paused and tries again at {paused.ProbeAt:u}, or at once after connecting again.",
                paused.ProbeAt));
        }
    }

    private void CheckFailureRate(List<HealthReason> reasons, IReadOnlyList<HourlyCounters> hours)
    {
        long failed = 0, decided = 0;
        foreach (var hour in hours)
        {
            failed += hour[Names.Failed] + hour[Names.Poisoned];
            decided += hour[Names.Failed] + hour[Names.Poisoned] + hour[Names.Applied];
        }

        if (decided < _options.FailureRateMinimumUpdates)
        {
            return;
        }

        var rate = (double)failed / decided;
        if (rate > _options.FailureRateThreshold)
        {
            reasons.Add(new HealthReason(
                "failure_rate",
                string.Create(CultureInfo.InvariantCulture,
                    $"{failed} of {decided} prospect updates failed in the last hour ({rate:P1}, threshold {_options.FailureRateThreshold:P1}): see the failures by error code, fix the cause, then replay.")));
        }
    }
}

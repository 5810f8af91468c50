using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// Builds the status report from Table storage, so every instance shows the same numbers: the hourly runs and failures
/// (<see cref="HourlyRunsSection"/>), the per-audience activation view (<see cref="AudiencesSection"/>), delivery's
/// activity and health.
/// </summary>
public sealed class ConnectorStatusService(
    HourlyRunsSection runs,
    AudiencesSection audiences,
    DeliveryActivityStore activity,
    HealthEvaluator health,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time,
    IngestRefusals? refusals = null)
{
    /// <summary>The report of the last <paramref name="hours"/> hours (1 to 168), the current hour included.</summary>
    public async Task<ConnectorStatus> GetStatusAsync(int hours, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, 168);
        var now = time.GetUtcNow();
        var currentHour = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, now.UtcDateTime.Day, now.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        var firstHour = currentHour.AddHours(-(hours - 1));

        // Each section is read on its own, within its budget: a source that fails or is slow leaves its section empty
        // and named in Errors, and the rest still shows (the page helps most exactly when something is broken).
        var runsRead = runs.ReadAsync(hours, firstHour, cancellationToken);
        var activityRead = DependencyRead.SectionAsync("The delivery activity table", activity.ReadAsync, cancellationToken);
        var healthRead = health.EvaluateAsync(cancellationToken);
        await Task.WhenAll(runsRead, activityRead, healthRead);

        var read = await runsRead;
        var errors = new SortedDictionary<string, string>(read.Errors.ToDictionary(), StringComparer.Ordinal);
        if (activityRead.Result.Error is { } activityError)
        {
            errors["delivery"] = activityError;
        }

        var delivery = activityRead.Result.Value ?? new DeliveryActivity(null, null, new Dictionary<string, DateTimeOffset>());
        return new ConnectorStatus(
            now,
            deliveryOptions.Value.ConnectionName,
            deliveryOptions.Value.DryRun,
            await healthRead,
            new DeliveryState(delivery.LastBatchAt, delivery.QueueLag?.TotalSeconds),
            read.Totals,
            read.Runs,
            audiences.Build(read.Sums, read.Failures, delivery),
            refusals?.Snapshot())
        {
            Errors = errors.Count == 0 ? null : errors,
            Imports = PerRecordBulkReport.From(read.Sums, delivery.PerRecordBulk),
        };
    }
}

namespace Outreach.Connector.Monitoring;

/// <summary>Settings of the status report and the health evaluation (configuration section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Monitoring";

    /// <summary>
    /// Health is degraded when more than this share of the prospect updates decided in the last hour failed for good
    /// (rejected by Outreach or poisoned). 0.05 = 5 %. AEP's own skip-rate alert defaults to 1 % of activations.
    /// </summary>
    public double FailureRateThreshold { get; set; } = 0.05;

    /// <summary>The failure rate is judged only once this many updates were decided in the last hour, so one early failure is not "100 %".</summary>
    public int FailureRateMinimumUpdates { get; set; } = 10;

    /// <summary>Health is degraded when the oldest update of the last batch waited longer than this (AEP's flow-run delay alert defaults to 150 minutes).</summary>
    public TimeSpan QueueLagThreshold { get; set; } = TimeSpan.FromMinutes(150);

    /// <summary>How many prospect ids each failure group of a run lists.</summary>
    public int SamplesPerError { get; set; } = 5;
}

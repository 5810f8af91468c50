using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Outreach.Connector.Delivery;

namespace Outreach.Connector.Monitoring;

/// <summary>Registers the connector's metrics, run reports, health evaluation and replay.</summary>
public static class MonitoringServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ConnectorMetrics"/> (and <see cref="System.Diagnostics.Metrics.IMeterFactory"/> when missing). Idempotent.</summary>
    public static IServiceCollection AddConnectorMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton<ConnectorMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IngestRefusals>();
        return services;
    }

    /// <summary>
    /// Registers the status report (<see cref="ConnectorStatusService"/>), <see cref="HealthEvaluator"/>, <see cref="FailureReplay"/>
    /// and <see cref="MonitoringOptions"/> (section <c>Monitoring</c>, validated at start), and the dry run when
    /// <c>Delivery:DryRun</c> is true (see <see cref="DeliveryServiceCollectionExtensions.AddDeliveryDryRun"/>). Needs the delivery
    /// engine's registrations (<c>AddDeliveryEngine</c>) and, for the dry run, the Outreach client's: call it after both.
    /// </summary>
    public static IServiceCollection AddConnectorMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(MonitoringMarker)))
        {
            return services;
        }

        services.AddSingleton<MonitoringMarker>();
        services.AddConnectorMetrics();
        services.AddOptions<MonitoringOptions>()
            .Bind(configuration.GetSection(MonitoringOptions.SectionName))
            .Validate(o => o.FailureRateThreshold is > 0 and <= 1, "Monitoring:FailureRateThreshold must be above 0 and at most 1 (0.05 = 5 %).")
            .Validate(o => o.FailureRateMinimumUpdates >= 1, "Monitoring:FailureRateMinimumUpdates must be at least 1.")
            .Validate(o => o.QueueLagThreshold > TimeSpan.Zero, "Monitoring:QueueLagThreshold must be positive.")
            .Validate(o => o.SamplesPerError is >= 1 and <= 100, "Monitoring:SamplesPerError must be 1 to 100.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeliveryActivityStore>();
        services.TryAddSingleton<HealthEvaluator>();
        services.TryAddSingleton<HourlyRunsSection>();
        services.TryAddSingleton<AudiencesSection>();
        services.TryAddSingleton<ConnectorStatusService>();
        services.TryAddSingleton<FailureReplay>();
        services.AddDeliveryDryRun(configuration);
        return services;
    }

    private sealed class MonitoringMarker;
}

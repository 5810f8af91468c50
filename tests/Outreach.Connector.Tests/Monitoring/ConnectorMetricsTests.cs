using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using I = Outreach.Connector.Monitoring.ConnectorTelemetry.Instruments;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Tests.Monitoring;

public sealed class ConnectorMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddConnectorMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public ConnectorMetricsTests()
    {
        var scope = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == scope)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        _listener.Start();
    }

    private ConnectorMetrics Metrics => _services.GetRequiredService<ConnectorMetrics>();

    private long Sum(string name, string? tag = null, object? value = null) =>
        _measurements.Where(m => m.Name == name && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value))).Sum(m => m.Value);

    [Fact]
    public void The_alerted_instruments_keep_the_names_the_infra_alerts_query()
    {
        Assert.Equal("outreach.updates.failed", I.UpdatesFailed);
        Assert.Equal("outreach.connection.needs_reauthorization", I.NeedsReauthorization);
        Assert.Equal("Outreach.Connector", Metrics.Meter.Name);
        Assert.Equal("Outreach.Connector", ConnectorTelemetry.ActivitySource.Name);
    }

    [Fact]
    public void A_batchs_counts_become_measurements_with_error_ids_and_dry_run_tags()
    {
        Metrics.RecordDelivery(new Dictionary<string, long>
        {
            [Names.Received] = 12,
            [Names.Applied] = 5,
            [Names.DryRunApplied] = 2,
            [Names.Coalesced] = 3,
            [Names.Stale] = 4,
            [Names.Duplicate] = 1,
            [Names.RequestsSent] = 9,
            [Names.RateLimited] = 1,
            [Names.Deferred] = 2,
            [Names.Paused] = 1,
            [Names.Retried] = 1,
            [Names.Failed] = 3,
            [Names.FailedWith("validationError")] = 2,
            [Names.FailedWith("http404")] = 1,
            [Names.Poisoned] = 1,
        });

        Assert.Equal(12, Sum(I.UpdatesReceived));
        Assert.Equal((5, 2), (Sum(I.UpdatesApplied, "dry_run", false), Sum(I.UpdatesApplied, "dry_run", true)));
        Assert.Equal((4, 1), (Sum(I.UpdatesStale, "kind", "stale"), Sum(I.UpdatesStale, "kind", "duplicate")));
        Assert.Equal((9, 1, 1), (Sum(I.RequestsSent), Sum(I.RequestsRateLimited), Sum(I.UpdatesRetried)));
        Assert.Equal((2, 1), (Sum(I.UpdatesDeferred, "reason", "rate_limit"), Sum(I.UpdatesDeferred, "reason", "needs_reauthorization")));
        Assert.Equal(2, Sum(I.UpdatesFailed, "error_id", "validationError"));
        Assert.Equal(1, Sum(I.UpdatesFailed, "error_id", "http404"));
        Assert.Equal(1, Sum(I.UpdatesFailed, "error_id", FailureLedger.PoisonErrorKey));
        Assert.Equal(4, Sum(I.UpdatesFailed));
    }

    [Fact]
    public void A_refused_refresh_counts_as_a_refresh_outcome_and_as_needing_reauthorization()
    {
        Metrics.RecordTokenRefresh(new TokenEndpointOutcome.InvalidGrant(400, "invalid_grant"));
        Metrics.RecordTokenRefresh(new TokenEndpointOutcome.Transient(503, "unavailable", null));
        Metrics.RecordNeedsReauthorization("request_refused");

        Assert.Equal(1, Sum(I.TokenRefreshes, "outcome", "needs_reauthorization"));
        Assert.Equal(1, Sum(I.TokenRefreshes, "outcome", "failed"));
        Assert.Equal(1, Sum(I.NeedsReauthorization, "source", "refresh_refused"));
        Assert.Equal(2, Sum(I.NeedsReauthorization));
    }

    [Fact]
    public void Each_services_metrics_are_its_own()
    {
        using var other = new ServiceCollection().AddConnectorMetrics().BuildServiceProvider();

        other.GetRequiredService<ConnectorMetrics>().RecordReplayed(5);
        Metrics.RecordReplayed(2);

        Assert.Equal(2, Sum(I.UpdatesReplayed));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}

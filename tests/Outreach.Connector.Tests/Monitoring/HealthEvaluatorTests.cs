using Moq;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Tests.Delivery;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tokens;
using Outreach.Testing;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Tests.Monitoring;

[Collection(AzuriteCollection.Name)]
public sealed class HealthEvaluatorTests(AzuriteFixture azurite)
{
    private readonly DeliveryHarness _h = new(azurite);

    private DeliveryActivityStore Activity => new(_h.Tables, Microsoft.Extensions.Options.Options.Create(_h.Options));

    private HealthEvaluator Evaluator(MonitoringOptions? options = null) => new(
        _h.Pause, _h.Budget, _h.Counters, Activity, Microsoft.Extensions.Options.Options.Create(options ?? new MonitoringOptions()), _h.Time);

    // The shared token store holds the connection's status (nothing stored: not connected).
    private void Connection(ConnectionStatus status, string? reason = null)
    {
        if (status != ConnectionStatus.NotConnected)
        {
            _h.TokenStore.Seed(DeliveryHarness.ConnectionName, new ConnectionTokens(status, "refresh-token", _h.Time.GetUtcNow(), null, null, null, null) { StatusReason = reason });
        }
    }

    [Fact]
    public async Task A_connection_without_the_bulk_scopes_is_degraded_with_the_advice_to_reconnect()
    {
        Connection(ConnectionStatus.Connected);
        var bulk = new BulkWriteAvailability(
            Microsoft.Extensions.Options.Options.Create(new BulkWriteOptions()), _h.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<BulkWriteAvailability>.Instance);
        var evaluator = new HealthEvaluator(
            _h.Pause, _h.Budget, _h.Counters, Activity, Microsoft.Extensions.Options.Options.Create(new MonitoringOptions()), _h.Time, [bulk]);
        Assert.True((await evaluator.EvaluateAsync(CancellationToken.None)).IsHealthy);

        bulk.Refused(403, "missing scope batches.write", missingScope: true);
        var health = await evaluator.EvaluateAsync(CancellationToken.None);

        var reason = Assert.Single(health.Reasons);
        Assert.Equal("bulk_writes_off", reason.Code);
        Assert.Contains("re-connect to enable bulk writes", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connected_idle_connector_is_healthy()
    {
        Connection(ConnectionStatus.Connected);

        var health = await Evaluator().EvaluateAsync(CancellationToken.None);

        Assert.Equal(HealthReport.Healthy, health.Status);
        Assert.Empty(health.Reasons);
    }

    [Theory]
    [InlineData(ConnectionStatus.NotConnected, "not_connected")]
    [InlineData(ConnectionStatus.NeedsReauthorization, "needs_reauthorization")]
    public async Task Connection_that_cannot_be_used_is_degraded_with_the_reason(ConnectionStatus status, string code)
    {
        Connection(status, "invalid_grant (HTTP 400)");

        var health = await Evaluator().EvaluateAsync(CancellationToken.None);

        Assert.Equal(HealthReport.Degraded, health.Status);
        var reason = Assert.Single(health.Reasons);
        Assert.Equal(code, reason.Code);
        Assert.Contains("Connect URL", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_refused_by_outreach_pause_delivery_and_degrade_until_resumed()
    {
        Connection(ConnectionStatus.Connected);
        var probeAt = _h.Time.GetUtcNow().AddMinutes(15);
        _h.Pause.Pause("Outreach answered 401 to a freshly refreshed access token.", probeAt);

        var paused = await Evaluator().EvaluateAsync(CancellationToken.None);
        _h.Pause.Resume();
        var resumed = await Evaluator().EvaluateAsync(CancellationToken.None);

        var reason = Assert.Single(paused.Reasons);
        Assert.Equal(("needs_reauthorization", probeAt), (reason.Code, reason.Until));
        Assert.True(resumed.IsHealthy);
    }

    [Fact]
    public async Task A_429_block_degrades_until_it_ends()
    {
        Connection(ConnectionStatus.Connected);
        var until = await _h.Budget.BlockAsync(_h.Time.GetUtcNow().AddMinutes(5), CancellationToken.None);

        var blocked = await Evaluator().EvaluateAsync(CancellationToken.None);
        _h.Time.Advance(TimeSpan.FromMinutes(6));
        var after = await Evaluator().EvaluateAsync(CancellationToken.None);

        var reason = Assert.Single(blocked.Reasons);
        Assert.Equal(("rate_limited", until), (reason.Code, reason.Until));
        Assert.True(after.IsHealthy);
    }

    [Theory]
    [InlineData(10, 2, true)]    // 2 of 12 = 16.7 % > 5 %
    [InlineData(100, 2, false)]  // 2 of 102 = 2.0 %
    [InlineData(3, 3, false)]    // 6 decided: below the minimum of 10, not judged yet
    public async Task Failures_above_the_threshold_in_the_last_hour_degrade(long applied, long failed, bool degraded)
    {
        Connection(ConnectionStatus.Connected);
        await _h.Counters.IncrementAsync(new Dictionary<string, long> { [Names.Applied] = applied, [Names.Failed] = failed }, CancellationToken.None);

        var health = await Evaluator().EvaluateAsync(CancellationToken.None);

        Assert.Equal(degraded, health.Reasons.Any(r => r.Code == "failure_rate"));
    }

    [Fact]
    public async Task Failures_of_the_previous_hour_still_count_and_the_threshold_is_configurable()
    {
        Connection(ConnectionStatus.Connected);
        await _h.Counters.IncrementAsync(new Dictionary<string, long> { [Names.Applied] = 90, [Names.Poisoned] = 10 }, CancellationToken.None);
        _h.Time.Advance(TimeSpan.FromHours(1));

        var strict = await Evaluator().EvaluateAsync(CancellationToken.None);
        var lenient = await Evaluator(new MonitoringOptions { FailureRateThreshold = 0.2 }).EvaluateAsync(CancellationToken.None);

        Assert.Contains(strict.Reasons, r => r.Code == "failure_rate" && r.Message.StartsWith("10 of 100", StringComparison.Ordinal));
        Assert.True(lenient.IsHealthy);
    }

    [Fact]
    public async Task Updates_waiting_longer_than_the_lag_threshold_degrade()
    {
        Connection(ConnectionStatus.Connected);
        await Activity.RecordBatchAsync(_h.Time.GetUtcNow(), TimeSpan.FromHours(3), [], CancellationToken.None);

        var health = await Evaluator().EvaluateAsync(CancellationToken.None);

        Assert.Equal("queue_lag", Assert.Single(health.Reasons).Code);
    }
}

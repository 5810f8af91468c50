using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery.Budget;

// The one permit taker: all or none for a call that costs several permits, leases for a purse, what is left given back.
[Collection(AzuriteCollection.Name)]
public sealed class PermitTakerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_call_costing_more_than_is_left_takes_nothing_and_says_when_permits_return()
    {
        var harness = new DeliveryHarness(azurite, o => { o.RequestsPerWindow = 10; o.Window = TimeSpan.FromMinutes(10); });
        var taker = new PermitTaker(harness.Budget, Microsoft.Extensions.Options.Options.Create(harness.Options), harness.Time);
        Assert.Null(await taker.TakeAsync(6, harness.Time.GetUtcNow().AddMinutes(30), CancellationToken.None));

        var refusedUntil = await taker.TakeAsync(6, harness.Time.GetUtcNow().AddMinutes(30), CancellationToken.None);

        Assert.Equal(harness.Time.GetUtcNow().AddMinutes(10), refusedUntil);
        Assert.Equal(6, (await harness.Budget.ReadStatusAsync(CancellationToken.None)).Used);
    }

    [Fact]
    public async Task A_purse_leases_what_it_wants_spends_one_per_request_and_gives_the_rest_back()
    {
        var harness = new DeliveryHarness(azurite, o => o.MaxPermitsPerLease = 5);
        var taker = new PermitTaker(harness.Budget, Microsoft.Extensions.Options.Options.Create(harness.Options), harness.Time);
        var deadline = harness.Time.GetUtcNow().AddMinutes(1);

        await using (var purse = taker.OpenPurse(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
        {
            Assert.Null(await purse.TakeAsync(wanted: 20, deadline, CancellationToken.None));
            Assert.Null(await purse.TakeAsync(wanted: 20, deadline, CancellationToken.None));
            Assert.Equal(2, purse.Taken);
            Assert.Equal(5, (await harness.Budget.ReadStatusAsync(CancellationToken.None)).Used);
        }

        Assert.Equal(2, (await harness.Budget.ReadStatusAsync(CancellationToken.None)).Used);
    }

    [Fact]
    public void The_pacing_rule_is_chosen_from_the_setting_and_caps_what_one_call_asks_for()
    {
        var spread = new Connector.Delivery.DeliveryOptions { PacingMode = PacingMode.Spread, BurstPermits = 7, RequestsPerWindow = 100, SafetyMargin = 10 };
        var burst = new Connector.Delivery.DeliveryOptions { PacingMode = PacingMode.Burst, BurstPermits = 7, RequestsPerWindow = 100, SafetyMargin = 10 };

        Assert.Equal(7, BudgetRules.For(spread).MaxPermitsAtOnce());
        Assert.Equal(90, BudgetRules.For(burst).MaxPermitsAtOnce());
    }
}

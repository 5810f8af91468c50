using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery.Budget;

[Collection(AzuriteCollection.Name)]
public sealed class RequestBudgetTests(AzuriteFixture azurite)
{
    private static RequestBudget SecondDrainer(DeliveryHarness harness) =>
        new(harness.Tables, Options.Create(harness.Options), harness.Time, NullLogger<RequestBudget>.Instance);

    [Fact]
    public async Task Two_drainers_racing_never_take_more_than_the_allowance_of_a_window()
    {
        var harness = new DeliveryHarness(azurite, o =>
        {
            o.RequestsPerWindow = 120;
            o.SafetyMargin = 20;
            o.MaxPermitsPerLease = 3;
            o.Window = TimeSpan.FromMinutes(10);
        });
        var budgets = new[] { harness.Budget, SecondDrainer(harness) };

        for (var window = 0; window < 2; window++)
        {
            var taken = await Task.WhenAll(budgets.SelectMany(budget => Enumerable.Range(0, 3).Select(_ => TakeAllAsync(budget))));

            Assert.Equal(100, taken.Sum());
            harness.Time.Advance(TimeSpan.FromMinutes(10));
        }
    }

    [Fact]
    public async Task Spread_pacing_with_a_backlog_uses_at_least_98_percent_of_every_window_and_never_more_than_the_limit()
    {
        var harness = new DeliveryHarness(azurite, o =>
        {
            o.PacingMode = PacingMode.Spread;
            o.RequestsPerWindow = 500;
            o.SafetyMargin = 10;
            o.BurstPermits = 10;
            o.MaxPermitsPerLease = 4;
            o.Window = TimeSpan.FromMinutes(10);
        });
        var budgets = new[] { harness.Budget, SecondDrainer(harness) };
        var perWindow = new Dictionary<DateTimeOffset, int>();
        var perRollingWindow = new Queue<(DateTimeOffset At, int Permits)>();

        // Simulated drainers with a backlog: every 6 s of fake time each asks for leases until refused.
        for (var step = 0; step < 300; step++)
        {
            foreach (var budget in budgets)
            {
                while (await budget.TryAcquireAsync(4, CancellationToken.None) is { Granted: > 0 } grant)
                {
                    perWindow[grant.WindowStart] = perWindow.GetValueOrDefault(grant.WindowStart) + grant.Granted;
                    perRollingWindow.Enqueue((harness.Time.GetUtcNow(), grant.Granted));
                }
            }

            while (perRollingWindow.Peek().At <= harness.Time.GetUtcNow() - harness.Options.Window)
            {
                perRollingWindow.Dequeue();
            }

            Assert.InRange(perRollingWindow.Sum(p => p.Permits), 0, 500);
            harness.Time.Advance(TimeSpan.FromSeconds(6));
        }

        var complete = perWindow.Keys.Order().SkipLast(1).ToList();
        Assert.Equal(2, complete.Count);
        Assert.All(complete, window => Assert.True(
            perWindow[window] >= 0.98 * 500 && perWindow[window] <= 500 - 10, $"window {window}: {perWindow[window]} permits"));
    }

    [Fact]
    public async Task Remaining_requests_reported_by_Outreach_are_adopted_by_every_drainer()
    {
        var harness = new DeliveryHarness(azurite, o => o.RequestsPerWindow = 100);
        var other = SecondDrainer(harness);
        Assert.Equal(10, (await harness.Budget.TryAcquireAsync(10, CancellationToken.None)).Granted);

        // Another integration acting as the same user spent 50 requests we never saw.
        await harness.Budget.ObserveAsync(new RateLimitSnapshot(100, 40, null), CancellationToken.None);

        Assert.Equal(40, (await other.TryAcquireAsync(100, CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task A_reset_time_reported_by_Outreach_moves_the_window_for_every_drainer()
    {
        var harness = new DeliveryHarness(azurite, o =>
        {
            o.RequestsPerWindow = 100;
            o.Window = TimeSpan.FromMinutes(60);
        });
        var other = SecondDrainer(harness);
        Assert.Equal(100, (await harness.Budget.TryAcquireAsync(100, CancellationToken.None)).Granted);

        await harness.Budget.ObserveAsync(new RateLimitSnapshot(null, null, TestUpdates.At(15)), CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMinutes(15));

        var grant = await other.TryAcquireAsync(5, CancellationToken.None);
        Assert.Equal(5, grant.Granted);
        Assert.Equal(TestUpdates.At(15), grant.WindowStart);
    }

    [Fact]
    public async Task A_429_blocks_every_drainer_until_the_retry_time()
    {
        var harness = new DeliveryHarness(azurite, o => o.RateLimitPadding = TimeSpan.Zero);
        var other = SecondDrainer(harness);
        Assert.Equal(1, (await other.TryAcquireAsync(1, CancellationToken.None)).Granted);

        var until = await harness.Budget.BlockAsync(TestUpdates.At(7), CancellationToken.None);

        Assert.Equal(TestUpdates.At(7), until);
        var refused = await other.TryAcquireAsync(1, CancellationToken.None);
        Assert.Equal(0, refused.Granted);
        Assert.Equal(TestUpdates.At(7), refused.NextPermitAt);
        harness.Time.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal(1, (await other.TryAcquireAsync(1, CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task Unused_permits_given_back_can_be_taken_by_another_drainer()
    {
        var harness = new DeliveryHarness(azurite, o => o.RequestsPerWindow = 10);
        var other = SecondDrainer(harness);
        var grant = await harness.Budget.TryAcquireAsync(10, CancellationToken.None);
        Assert.Equal(0, (await other.TryAcquireAsync(1, CancellationToken.None)).Granted);

        await harness.Budget.ReleaseAsync(4, grant, CancellationToken.None);

        Assert.Equal(4, (await other.TryAcquireAsync(10, CancellationToken.None)).Granted);
        var status = await other.ReadStatusAsync(CancellationToken.None);
        Assert.Equal(10, status.Used);
    }

    private static async Task<int> TakeAllAsync(RequestBudget budget)
    {
        var taken = 0;
        while (await budget.TryAcquireAsync(3, CancellationToken.None) is { Granted: > 0 } grant)
        {
            taken += grant.Granted;
        }

        return taken;
    }
}

using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery.Counters;

[Collection(AzuriteCollection.Name)]
public sealed class DeliveryCountersTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Concurrent_increments_from_several_writers_sum_correctly()
    {
        var harness = new DeliveryHarness(azurite);
        var writers = new[] { harness.Counters, new DeliveryCounters(harness.Tables, Options.Create(harness.Options), harness.Time) };

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await writers[i % 2].IncrementAsync(
                new Dictionary<string, long>
                {
                    [DeliveryCounterNames.Received] = 1,
                    [DeliveryCounterNames.Stale] = i % 3,
                    [DeliveryCounterNames.FailedWith("validationError")] = i % 2,
                },
                ct));

        var hour = await harness.CountersOfThisHourAsync();
        Assert.Equal(200, hour[DeliveryCounterNames.Received]);
        Assert.Equal(Enumerable.Range(0, 200).Sum(i => i % 3), hour[DeliveryCounterNames.Stale]);
        Assert.Equal(100, hour["Failed_validationError"]);
    }

    [Fact]
    public async Task The_last_hours_are_read_oldest_first_with_empty_hours_included()
    {
        var harness = new DeliveryHarness(azurite);
        var counters = harness.Counters;
        await counters.IncrementAsync(new Dictionary<string, long> { [DeliveryCounterNames.Applied] = 3 }, CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(2));
        await counters.IncrementAsync(new Dictionary<string, long> { [DeliveryCounterNames.Applied] = 5 }, CancellationToken.None);
        await counters.IncrementAsync(TestUpdates.Start, new Dictionary<string, long> { [DeliveryCounterNames.Excluded] = 1 }, CancellationToken.None);

        var hours = await counters.ReadLastHoursAsync(4, CancellationToken.None);

        Assert.Equal([TestUpdates.At(-60), TestUpdates.At(0), TestUpdates.At(60), TestUpdates.At(120)], hours.Select(h => h.Hour));
        Assert.Equal([0L, 3L, 0L, 5L], hours.Select(h => h[DeliveryCounterNames.Applied]));
        Assert.Equal(1, hours[1][DeliveryCounterNames.Excluded]);
        Assert.Empty(hours[2].Values);
    }

    [Fact]
    public async Task Counter_names_that_cannot_be_stored_are_refused()
    {
        var counters = new DeliveryHarness(azurite).Counters;

        await Assert.ThrowsAsync<ArgumentException>(() =>
            counters.IncrementAsync(new Dictionary<string, long> { ["failed.validation"] = 1 }, CancellationToken.None));
        Assert.Equal("Failed_rate_limit_exceeded", DeliveryCounterNames.FailedWith("rate-limit.exceeded"));
    }
}

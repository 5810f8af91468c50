using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;

namespace Outreach.Connector.Tests.Delivery.Outcomes;

public sealed class BackoffTests
{
    private static readonly DeliveryOptions Options = new() { BackoffBase = TimeSpan.FromSeconds(10), BackoffMax = TimeSpan.FromMinutes(5) };

    [Fact]
    public void Ceiling_doubles_per_attempt_up_to_the_maximum()
    {
        var backoff = new Backoff(Options, new Random(1));

        Assert.Equal(TimeSpan.FromSeconds(10), backoff.CeilingAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(20), backoff.CeilingAfter(2));
        Assert.Equal(TimeSpan.FromSeconds(160), backoff.CeilingAfter(5));
        Assert.Equal(TimeSpan.FromMinutes(5), backoff.CeilingAfter(6));
        Assert.Equal(TimeSpan.FromMinutes(5), backoff.CeilingAfter(1_000));
    }

    [Fact]
    public void Delay_is_jittered_between_half_the_ceiling_and_the_ceiling()
    {
        var backoff = new Backoff(Options, new Random(42));
        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var ceiling = backoff.CeilingAfter(attempt);
            var delays = Enumerable.Range(0, 200).Select(_ => backoff.DelayAfter(attempt)).ToList();

            Assert.All(delays, delay => Assert.InRange(delay, ceiling / 2, ceiling));
            Assert.True(delays.Distinct().Count() > 100, "jitter should spread the delays");
        }
    }

    [Fact]
    public void Until_the_cap_every_delay_is_at_least_the_longest_delay_of_the_attempt_before()
    {
        var backoff = new Backoff(Options, new Random(3));

        for (var attempt = 1; attempt < 5; attempt++)
        {
            Assert.True(backoff.CeilingAfter(attempt + 1) / 2 >= backoff.CeilingAfter(attempt));
        }
    }
}

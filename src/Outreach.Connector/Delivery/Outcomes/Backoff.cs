using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>Delays between attempts after transient failures: exponential growth, capped, with jitter.</summary>
/// <remarks>
/// After failed attempt n the ceiling is <c>min(BackoffMax, BackoffBase · 2^(n−1))</c> and the delay is drawn
/// uniformly from [ceiling/2, ceiling] ("equal jitter"). Jitter keeps drainers that failed together (an Outreach
/// outage) from retrying together; keeping half the ceiling fixed makes the delay really grow with each attempt,
/// which "full jitter" (anything from 0) does not guarantee.
/// </remarks>
public sealed class Backoff
{
    private readonly DeliveryOptions _options;
    private readonly Random _random;

    /// <summary>Creates the backoff from the delivery options, with a shared random source.</summary>
    public Backoff(IOptions<DeliveryOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), Random.Shared)
    {
    }

    /// <summary>Creates the backoff with a given random source (tests seed it).</summary>
    internal Backoff(DeliveryOptions options, Random random)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _random = random ?? throw new ArgumentNullException(nameof(random));
    }

    /// <summary>The largest delay after failed attempt <paramref name="failedAttempt"/> (1-based).</summary>
    public TimeSpan CeilingAfter(int failedAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failedAttempt);

        // Doubling beyond 2^30 would overflow long before the cap matters; the cap wins by then anyway.
        var factor = Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        var ticks = Math.Min(_options.BackoffMax.Ticks, _options.BackoffBase.Ticks * factor);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay before the attempt after failed attempt <paramref name="failedAttempt"/>: within [ceiling/2, ceiling].</summary>
    public TimeSpan DelayAfter(int failedAttempt)
    {
        var ceiling = CeilingAfter(failedAttempt);
        var half = ceiling.Ticks / 2;
        return TimeSpan.FromTicks(half + (long)(_random.NextDouble() * (ceiling.Ticks - half)));
    }
}

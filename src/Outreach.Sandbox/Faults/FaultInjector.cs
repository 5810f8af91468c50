using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Faults;

/// <summary>Holds the active fault settings and decides, call by call, which fault to inject.</summary>
/// <remarks>
/// One lock guards the settings and the random generator so that, with a seed and calls sent one after another,
/// the same calls fail on every run. Concurrent calls draw in arrival order, which is not reproducible.
/// </remarks>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly FaultSettings _startup;
    private readonly TimeProvider _time;
    private FaultSettings _current = new();
    private Random _random = new();

    public FaultInjector(IOptions<SandboxOptions> options, TimeProvider time)
    {
        _startup = options.Value.Faults.Clone();
        _time = time;
        Apply(_startup);
    }

    /// <summary>A copy of the active settings, with the forced-429 window as an absolute time.</summary>
    public FaultSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _current.Clone();
            }
        }
    }

    /// <summary>Replaces the active settings; <see cref="FaultSettings.ForcedRateLimitSeconds"/> counts from now.</summary>
    public FaultSettings Apply(FaultSettings settings)
    {
        var next = settings.Clone();
        if (next.ForcedRateLimitSeconds is { } seconds)
        {
            next.ForcedRateLimitUntil = _time.GetUtcNow().AddSeconds(seconds);
            next.ForcedRateLimitSeconds = null;
        }

        lock (_gate)
        {
            _current = next;
            _random = next.Seed is { } seed ? new Random(seed) : new Random();
            return _current.Clone();
        }
    }

    /// <summary>Goes back to the faults configured at start.</summary>
    public void Reset() => Apply(_startup);

    /// <summary>The end of the forced-429 window when one is active now; otherwise null.</summary>
    public DateTimeOffset? ForcedRateLimitUntil()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return _current.ForcedRateLimitUntil is { } until && until > now ? until : null;
        }
    }

    /// <summary>Decides the faults of one call.</summary>
    public FaultDecision Decide(bool isTokenEndpoint)
    {
        lock (_gate)
        {
            var settings = _current;
            if (isTokenEndpoint && !settings.IncludeTokenEndpoint)
            {
                return new FaultDecision(TimeSpan.Zero, FaultKind.None, 0, TimeSpan.Zero);
            }

            // Always draw both numbers so that one setting does not shift the other's sequence.
            var timeoutRoll = _random.NextDouble();
            var errorRoll = _random.NextDouble();
            var kind = timeoutRoll < settings.TimeoutRate ? FaultKind.Timeout
                : errorRoll < settings.ServerErrorRate ? FaultKind.ServerError
                : FaultKind.None;
            return new FaultDecision(
                TimeSpan.FromMilliseconds(settings.LatencyMilliseconds),
                kind,
                settings.ServerErrorStatusCode,
                TimeSpan.FromMilliseconds(settings.TimeoutMilliseconds));
        }
    }
}

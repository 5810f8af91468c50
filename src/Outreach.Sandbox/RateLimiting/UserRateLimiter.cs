using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.RateLimiting;

/// <summary>
/// Counts API calls per user in fixed windows aligned to multiples of the window length since the Unix epoch
/// (so a one-hour window resets on the hour), and keeps past windows for the admin counters.
/// </summary>
internal sealed class UserRateLimiter(IOptions<SandboxOptions> options, TimeProvider time)
{
    // Enough history for long benchmarks without growing without bound.
    private const int MaxKeptWindows = 10_000;

    private readonly RateLimitOptions _options = options.Value.RateLimit;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<RateLimitWindow> _closed = new();

    /// <summary>Counts one call for <paramref name="user"/>; refuses it once the window's limit is used up.</summary>
    public RateLimitDecision Take(string user)
    {
        lock (_gate)
        {
            var bucket = Current(user);
            var allowed = bucket.Requests < _options.Limit;
            if (allowed)
            {
                bucket.Requests++;
            }
            else
            {
                bucket.Rejected++;
            }

            return Decision(bucket, allowed);
        }
    }

    /// <summary>
    /// Charges <paramref name="requests"/> more to an already admitted call (a bulk call that costs one per item).
    /// The count may pass the limit; the following calls are then refused until the window resets.
    /// </summary>
    public RateLimitDecision Charge(string user, int requests)
    {
        lock (_gate)
        {
            var bucket = Current(user);
            bucket.Requests += requests;
            return Decision(bucket, allowed: true);
        }
    }

    /// <summary>The bucket's state without counting a call (for answers that are not charged, such as 401).</summary>
    public RateLimitDecision Peek(string user)
    {
        lock (_gate)
        {
            return Decision(Current(user), allowed: true);
        }
    }

    /// <summary>Every kept window, oldest first, including each user's current one.</summary>
    public IReadOnlyList<RateLimitWindow> Windows()
    {
        lock (_gate)
        {
            return
            [
                .. _closed,
                .. _buckets.Select(pair => pair.Value.Snapshot(pair.Key)).Where(w => w.Requests + w.Rejected > 0).OrderBy(w => w.Start),
            ];
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _buckets.Clear();
            _closed.Clear();
        }
    }

    private Bucket Current(string user)
    {
        var now = time.GetUtcNow();
        var windowTicks = _options.Window.Ticks;
        var start = new DateTimeOffset(now.UtcTicks - ((now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % windowTicks), TimeSpan.Zero);
        if (_buckets.TryGetValue(user, out var bucket) && bucket.Start == start)
        {
            return bucket;
        }

        if (bucket is not null && bucket.Requests + bucket.Rejected > 0)
        {
            _closed.Enqueue(bucket.Snapshot(user));
            while (_closed.Count > MaxKeptWindows)
            {
                _closed.Dequeue();
            }
        }

        bucket = new Bucket(start, start + _options.Window);
        _buckets[user] = bucket;
        return bucket;
    }

    private RateLimitDecision Decision(Bucket bucket, bool allowed) =>
        new(allowed, _options.Limit, Math.Max(0, _options.Limit - bucket.Requests), bucket.Requests, bucket.End);

    private sealed class Bucket(DateTimeOffset start, DateTimeOffset end)
    {
        public DateTimeOffset Start { get; } = start;

        public DateTimeOffset End { get; } = end;

        public int Requests { get; set; }

        public int Rejected { get; set; }

        public RateLimitWindow Snapshot(string user) => new(user, Start, End, Requests, Rejected);
    }
}

using System.Globalization;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.RateLimiting;

/// <summary>Writes <c>X-RateLimit-*</c> and <c>Retry-After</c> in the configured formats (docs/reference/outreach-api.md §4).</summary>
internal static class RateLimitHeaders
{
    public static void Apply(HttpResponse response, RateLimitDecision decision, RateLimitOptions options, DateTimeOffset now)
    {
        var headers = response.Headers;
        // The comma quirk: a second, larger number after the first (seen as "9999, 19988"); clients should take the first.
        headers["X-RateLimit-Limit"] = options.CommaSeparatedLimit
            ? Invariant($"{decision.Limit}, {decision.Limit * 2}")
            : Invariant($"{decision.Limit}");
        headers["X-RateLimit-Remaining"] = options.CommaSeparatedRemaining
            ? Invariant($"{decision.Remaining}, {Math.Max(0, (decision.Limit * 2) - (decision.Used * 2))}")
            : Invariant($"{decision.Remaining}");
        headers["X-RateLimit-Reset"] = Format(decision.ResetAt, options.ResetFormat, now);
    }

    public static void ApplyRetryAfter(HttpResponse response, DateTimeOffset retryAt, RateLimitOptions options, DateTimeOffset now) =>
        response.Headers.RetryAfter = Format(retryAt, options.RetryAfterFormat ?? options.ResetFormat, now);

    public static string Format(DateTimeOffset at, TimeHeaderFormat format, DateTimeOffset now) => format switch
    {
        TimeHeaderFormat.DeltaSeconds => Invariant($"{Math.Max(0, (long)Math.Ceiling((at - now).TotalSeconds))}"),
        TimeHeaderFormat.Iso8601 => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        TimeHeaderFormat.HttpDate => at.ToString("R", CultureInfo.InvariantCulture),
        _ => Invariant($"{(long)Math.Ceiling((at - DateTimeOffset.UnixEpoch).TotalSeconds)}"),
    };

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Net.Http.Headers;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Reads Outreach's rate-limit headers defensively into a <see cref="RateLimitSnapshot"/>.
/// </summary>
/// <remarks>
/// The header units and formats are UNCONFIRMED (docs/reference/outreach-api.md §4), so every reader here is tolerant:
/// <list type="bullet">
/// <item>values may be comma-separated (<c>9999, 19988</c>, seen on <c>X-RateLimit-Remaining</c> since 2023): the first wins;</item>
/// <item>a time is an integer of epoch milliseconds (≥ 10^12), epoch seconds (≥ 10^9) or delta seconds (smaller),
/// otherwise an ISO-8601 or RFC 1123 date (a date without an offset is UTC);</item>
/// <item>the hyphenated <c>X-Rate-Limit-*</c> spellings are read too, when the usual ones are absent;</item>
/// <item>anything missing or unreadable is null, never an exception.</item>
/// </list>
/// </remarks>
public static class RateLimitHeaders
{
    /// <summary>The requests allowed per window.</summary>
    public const string LimitHeader = "X-RateLimit-Limit";

    /// <summary>The requests left in the window.</summary>
    public const string RemainingHeader = "X-RateLimit-Remaining";

    /// <summary>When the window resets.</summary>
    public const string ResetHeader = "X-RateLimit-Reset";

    /// <summary>When to come back (on 429 an alias of the reset; on 503 said to be an ISO-8601 date).</summary>
    public const string RetryAfterHeader = "Retry-After";

    private const long EpochSecondsThreshold = 1_000_000_000L;
    private const long EpochMillisecondsThreshold = 1_000_000_000_000L;

    /// <summary>Reads the rate-limit headers of one response; <paramref name="now"/> anchors delta-seconds values.</summary>
    public static RateLimitSnapshot Parse(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var limit = ParseCount(First(headers, LimitHeader) ?? First(headers, "X-Rate-Limit-Limit"));
        var remaining = ParseCount(First(headers, RemainingHeader) ?? First(headers, "X-Rate-Limit-Remaining"));
        var reset = ParseTime(First(headers, ResetHeader) ?? First(headers, "X-Rate-Limit-Reset"), now)
            ?? ParseTime(First(headers, RetryAfterHeader), now);
        return new RateLimitSnapshot(limit, remaining, reset);
    }

    /// <summary>Reads <c>Retry-After</c> alone (delta seconds, epoch seconds or a date); null when absent or unreadable.</summary>
    public static DateTimeOffset? ParseRetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return ParseTime(First(headers, RetryAfterHeader), now);
    }

    /// <summary>
    /// Reads one time value: epoch milliseconds, epoch seconds, delta seconds, or an ISO-8601 / RFC 1123 date.
    /// Comma-separated values use the first. Null when empty, negative or unreadable.
    /// </summary>
    public static DateTimeOffset? ParseTime(string? value, DateTimeOffset now)
    {
        var text = FirstItem(value);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            return FromNumber(integer, now);
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction))
        {
            return fraction >= long.MaxValue ? null : FromNumber((long)Math.Ceiling(fraction), now);
        }

        return DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
            out var date)
            ? date
            : null;
    }

    /// <summary>Reads a count (first of comma-separated values); null when empty, negative or unreadable.</summary>
    public static int? ParseCount(string? value)
    {
        var text = FirstItem(value);
        return text is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    private static DateTimeOffset? FromNumber(long value, DateTimeOffset now)
    {
        try
        {
            return value switch
            {
                >= EpochMillisecondsThreshold => DateTimeOffset.FromUnixTimeMilliseconds(value),
                >= EpochSecondsThreshold => DateTimeOffset.FromUnixTimeSeconds(value),
                _ => now.AddSeconds(value),
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string? FirstItem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // RFC 1123 dates contain a comma after the weekday ("Wed, 21 Oct 2015 07:28:00 GMT"): only split lists of numbers.
        var comma = value.IndexOf(',', StringComparison.Ordinal);
        if (comma > 0 && IsNumber(value.AsSpan(0, comma).Trim()))
        {
            value = value[..comma];
        }

        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    private static bool IsNumber(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? string.Join(',', values) : null;
}

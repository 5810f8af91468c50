using System.Net.Http.Headers;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Outreach;

public sealed class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseHeaders Headers(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response.Headers;
    }

    [Fact]
    public void Plain_integer_headers_are_read()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Limit", "10000"), ("X-RateLimit-Remaining", "9876"), ("X-RateLimit-Reset", "1772370000")), Now);

        Assert.Equal(10000, snapshot.Limit);
        Assert.Equal(9876, snapshot.Remaining);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1772370000), snapshot.ResetAt);
    }

    [Theory]
    [InlineData("9999, 19988", 9999)]
    [InlineData("9999,19988", 9999)]
    [InlineData(" 42 ", 42)]
    [InlineData("0", 0)]
    public void Comma_separated_counts_take_the_first_value(string header, int expected)
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Remaining", header), ("X-RateLimit-Limit", header)), Now);

        Assert.Equal(expected, snapshot.Remaining);
        Assert.Equal(expected, snapshot.Limit);
    }

    [Fact]
    public void Large_integer_reset_is_epoch_seconds()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Reset", "1772370000")), Now);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1772370000), snapshot.ResetAt);
    }

    [Fact]
    public void Very_large_integer_reset_is_epoch_milliseconds()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Reset", "1772370000123")), Now);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1772370000123), snapshot.ResetAt);
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("0", 0)]
    [InlineData("3600", 3600)]
    [InlineData("999999999", 999999999)]
    public void Small_integer_reset_is_delta_seconds_from_now(string header, long seconds)
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Reset", header)), Now);

        Assert.Equal(Now.AddSeconds(seconds), snapshot.ResetAt);
    }

    [Fact]
    public void Fractional_delta_is_rounded_up()
    {
        Assert.Equal(Now.AddSeconds(2), RateLimitHeaders.ParseTime("1.2", Now));
    }

    [Theory]
    [InlineData("2026-03-01T13:00:00Z")]
    [InlineData("2026-03-01T13:00:00+00:00")]
    [InlineData("2026-03-01T14:00:00+01:00")]
    [InlineData("2026-03-01T13:00:00")]
    [InlineData("Sun, 01 Mar 2026 13:00:00 GMT")]
    public void Date_reset_is_read_as_iso_8601_or_rfc_1123(string header)
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Reset", header)), Now);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero), snapshot.ResetAt);
    }

    [Fact]
    public void Comma_separated_reset_takes_the_first_value()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Reset", "1772370000, 1772373600")), Now);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1772370000), snapshot.ResetAt);
    }

    [Fact]
    public void Retry_after_fills_the_reset_when_the_reset_header_is_missing()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("Retry-After", "30")), Now);

        Assert.Equal(Now.AddSeconds(30), snapshot.ResetAt);
    }

    [Fact]
    public void Reset_header_wins_over_retry_after_in_the_snapshot()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Reset", "10"), ("Retry-After", "30")), Now);

        Assert.Equal(Now.AddSeconds(10), snapshot.ResetAt);
    }

    [Theory]
    [InlineData("Retry-After", "120", 120)]
    [InlineData("Retry-After", "Sun, 01 Mar 2026 12:02:00 GMT", 120)]
    [InlineData("Retry-After", "2026-03-01T12:02:00Z", 120)]
    [InlineData("Retry-After", "1772366520", 120)]
    public void Retry_after_is_read_in_every_format(string name, string value, int seconds)
    {
        Assert.Equal(Now.AddSeconds(seconds), RateLimitHeaders.ParseRetryAfter(Headers((name, value)), Now));
    }

    [Fact]
    public void Hyphenated_header_names_are_read_when_the_usual_ones_are_absent()
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-Rate-Limit-Limit", "100"), ("X-Rate-Limit-Remaining", "7"), ("X-Rate-Limit-Reset", "5")), Now);

        Assert.Equal(new RateLimitSnapshot(100, 7, Now.AddSeconds(5)), snapshot);
    }

    [Fact]
    public void Missing_headers_give_nulls()
    {
        Assert.Equal(RateLimitSnapshot.None, RateLimitHeaders.Parse(Headers(), Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("12abc")]
    [InlineData("99999999999999999999999")]
    [InlineData(",")]
    [InlineData("NaN")]
    public void Garbage_headers_give_nulls(string garbage)
    {
        var snapshot = RateLimitHeaders.Parse(Headers(("X-RateLimit-Limit", garbage), ("X-RateLimit-Remaining", garbage), ("X-RateLimit-Reset", garbage)), Now);

        Assert.Null(snapshot.Limit);
        Assert.Null(snapshot.Remaining);
        Assert.Null(snapshot.ResetAt);
    }

    [Fact]
    public void Negative_count_is_null()
    {
        Assert.Null(RateLimitHeaders.ParseCount("-1"));
    }

    [Fact]
    public void Repeated_header_lines_take_the_first()
    {
        var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", ["12", "34"]);

        Assert.Equal(12, RateLimitHeaders.Parse(response.Headers, Now).Remaining);
    }
}

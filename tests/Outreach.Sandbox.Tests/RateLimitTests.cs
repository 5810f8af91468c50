using System.Net;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>The per-user fixed-window limit, its headers in each format, and the 429 answer.</summary>
public sealed class RateLimitTests
{
    // The test clock starts at 2026-01-01T00:10:00Z, so the one-hour window resets at 01:00:00Z.
    private const long WindowEndEpoch = 1_767_229_200;

    [Fact]
    public async Task Every_api_response_carries_the_rate_limit_headers()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.RateLimit.Limit = 8);
        using var api = await sandbox.ConnectedApiAsync();
        using var anonymous = new HttpClient { BaseAddress = sandbox.ApiBaseAddress };

        var responses = new List<HttpResponseMessage>
        {
            await api.PatchAttributesAsync(1, """{"custom1":"x"}"""),        // 200
            await api.PatchAttributesAsync(999, """{"custom1":"x"}"""),      // 404
            await api.PatchAsync(1, "{}", "application/json"),               // 415
            await api.PatchAttributesAsync(1, """{"nope":1}"""),             // 422
            await api.PatchAsync(1, "{"),                                    // 400
            await api.GetAsync("prospects/1"),                               // 200
            await anonymous.GetAsync("prospects/1"),                         // 401
        };
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await api.GetAsync("prospects/1"));                // 200, 200, 429, 429
        }

        Assert.Equal(
            [200, 404, 415, 422, 400, 200, 401, 200, 200, 429, 429],
            responses.Select(r => (int)r.StatusCode));
        Assert.All(responses, response =>
        {
            Assert.Equal("8", response.Header("X-RateLimit-Limit"));
            Assert.True(int.TryParse(response.Header("X-RateLimit-Remaining"), out _));
            Assert.True(long.TryParse(response.Header("X-RateLimit-Reset"), out _));
        });
        Assert.Equal("0", responses[^1].Header("X-RateLimit-Remaining"));
        responses.ForEach(r => r.Dispose());
    }

    [Theory]
    [InlineData(TimeHeaderFormat.EpochSeconds, "1767229200")]
    [InlineData(TimeHeaderFormat.DeltaSeconds, "3000")]
    [InlineData(TimeHeaderFormat.Iso8601, "2026-01-01T01:00:00Z")]
    [InlineData(TimeHeaderFormat.HttpDate, "Thu, 01 Jan 2026 01:00:00 GMT")]
    public async Task Reset_header_uses_the_configured_format(TimeHeaderFormat format, string expected)
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.RateLimit.ResetFormat = format, SandboxTestKit.NewClock());
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.GetAsync("prospects/1");

        Assert.Equal(expected, response.Header("X-RateLimit-Reset"));
        Assert.Equal("10000", response.Header("X-RateLimit-Limit"));
        Assert.Equal("9999", response.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Comma_separated_quirk_puts_two_numbers_in_remaining_and_limit()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o =>
        {
            o.RateLimit.CommaSeparatedRemaining = true;
            o.RateLimit.CommaSeparatedLimit = true;
        });
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.GetAsync("prospects/1");

        Assert.Equal("9999, 19998", response.Header("X-RateLimit-Remaining"));
        Assert.Equal("10000, 20000", response.Header("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Over_the_limit_returns_429_with_the_documented_body_and_retry_after()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.RateLimit.Limit = 2, SandboxTestKit.NewClock());
        using var api = await sandbox.ConnectedApiAsync();
        (await api.GetAsync("prospects/1")).Dispose();
        (await api.GetAsync("prospects/1")).Dispose();

        using var response = await api.PatchAttributesAsync(1, """{"custom1":"x"}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(WindowEndEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("Retry-After"));
        Assert.Equal("0", response.Header("X-RateLimit-Remaining"));
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal("rateLimitExceeded", error.Id);
        Assert.Equal("Rate Limit Exceeded", error.Title);
        Assert.Equal("You have exceeded your permitted rate limit of 2; please try again at 2026-01-01T01:00:00.", error.Detail);
        Assert.False((await sandbox.GetProspectAttributesAsync(1))!.Value.TryGetProperty("custom1", out _));
    }

    [Fact]
    public async Task Retry_after_format_can_differ_from_the_reset_format()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(
            o =>
            {
                o.RateLimit.Limit = 1;
                o.RateLimit.RetryAfterFormat = TimeHeaderFormat.DeltaSeconds;
            },
            SandboxTestKit.NewClock());
        using var api = await sandbox.ConnectedApiAsync();
        (await api.GetAsync("prospects/1")).Dispose();

        using var response = await api.GetAsync("prospects/1");

        Assert.Equal("3000", response.Header("Retry-After"));
        Assert.Equal("1767229200", response.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Limit_resets_when_the_window_ends()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.RateLimit.Limit = 1, clock);
        using var api = await sandbox.ConnectedApiAsync();
        (await api.GetAsync("prospects/1")).Dispose();
        using var refused = await api.GetAsync("prospects/1");

        clock.Advance(TimeSpan.FromMinutes(50));
        using var allowed = await api.GetAsync("prospects/1");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("0", allowed.Header("X-RateLimit-Remaining"));
        Assert.Equal("1767232800", allowed.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Window_length_is_configurable()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(
            o =>
            {
                o.RateLimit.Window = TimeSpan.FromSeconds(10);
                o.RateLimit.ResetFormat = TimeHeaderFormat.DeltaSeconds;
            },
            clock);
        using var api = await sandbox.ConnectedApiAsync();
        clock.Advance(TimeSpan.FromSeconds(3));

        using var response = await api.GetAsync("prospects/1");

        Assert.Equal("7", response.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Each_user_has_its_own_bucket_and_the_counters_show_each_window()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(
            o =>
            {
                o.RateLimit.Limit = 2;
                o.OAuth.MintingInterval = TimeSpan.Zero;
                o.Users.Add(SandboxUser.CreateDemo());
                o.Users.Add(new SandboxUser { Email = "other@outreach-sandbox.test", Password = "pw" });
            },
            clock);
        using var demo = await sandbox.ConnectedApiAsync();
        using var other = await sandbox.ConnectedApiAsync(email: "other@outreach-sandbox.test", password: "pw");
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await demo.GetAsync("prospects/1");
            statuses.Add((int)response.StatusCode);
        }

        using var otherResponse = await other.GetAsync("prospects/1");
        clock.Advance(TimeSpan.FromHours(1));
        (await demo.GetAsync("prospects/1")).Dispose();

        Assert.Equal([200, 200, 429], statuses);
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
        var windows = (await sandbox.GetCountersAsync()).RateLimitWindows;
        var demoWindows = windows.Where(w => w.User == SandboxUser.DemoEmail).ToList();
        Assert.Equal(2, demoWindows.Count);
        Assert.Equal((2, 1), (demoWindows[0].Requests, demoWindows[0].Rejected));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), demoWindows[0].Start);
        Assert.Equal((1, 0), (demoWindows[1].Requests, demoWindows[1].Rejected));
        Assert.Equal(1, Assert.Single(windows, w => w.User == "other@outreach-sandbox.test").Requests);
    }
}

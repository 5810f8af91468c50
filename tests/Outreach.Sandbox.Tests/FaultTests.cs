using System.Net;
using Outreach.Sandbox.Faults;

namespace Outreach.Sandbox.Tests;

/// <summary>Fault injection: server errors, forced 429 windows, revoked tokens, timeouts, latency, and the admin settings.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task Server_error_fraction_with_a_seed_is_reproducible()
    {
        var first = await StatusesWithSeededErrorsAsync(seed: 7);
        var second = await StatusesWithSeededErrorsAsync(seed: 7);

        Assert.Equal(first, second);
        Assert.Contains(200, first);
        Assert.Contains(503, first);
    }

    [Fact]
    public async Task Injected_503_is_scheduled_maintenance_with_rate_limit_headers()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        await sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1 });

        using var response = await api.PatchAttributesAsync(1, """{"custom1":"x"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("scheduledServerMaintenance", (await response.ReadSingleErrorAsync()).Id);
        Assert.NotNull(response.Header("X-RateLimit-Remaining"));
        Assert.NotNull(response.Header("Retry-After"));
        Assert.False((await sandbox.GetProspectAttributesAsync(1))!.Value.TryGetProperty("custom1", out _));
    }

    [Fact]
    public async Task Injected_server_error_status_is_configurable()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        await sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1, ServerErrorStatusCode = 500 });

        using var response = await api.GetAsync("prospects/1");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("internalServerError", (await response.ReadSingleErrorAsync()).Id);
    }

    [Fact]
    public async Task Forced_429_window_refuses_every_call_until_it_ends()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(time: clock);
        using var api = await sandbox.ConnectedApiAsync();

        var applied = await sandbox.SetFaultsAsync(new FaultSettings { ForcedRateLimitSeconds = 30 });
        using var refused = await api.GetAsync("prospects/1");
        clock.Advance(TimeSpan.FromSeconds(30));
        using var allowed = await api.GetAsync("prospects/1");

        var until = clock.GetUtcNow();
        Assert.Equal(until, applied.ForcedRateLimitUntil);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(until.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Header("Retry-After"));
        Assert.Equal(refused.Header("Retry-After"), refused.Header("X-RateLimit-Reset"));
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
        Assert.Equal(
            "You have exceeded your permitted rate limit of 10,000; please try again at 2026-01-01T00:10:30.",
            (await refused.ReadSingleErrorAsync()).Detail);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(1, (await sandbox.GetCountersAsync()).ByFault["forcedRateLimit"]);
    }

    [Fact]
    public async Task Revoking_a_user_makes_their_access_token_return_401()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        var result = await sandbox.RevokeUserAsync();
        using var response = await api.GetAsync("prospects/1");

        Assert.Equal(2, result.Revoked); // one access token, one refresh token
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", (await response.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
        Assert.NotNull(response.Header("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Timeout_hangs_until_the_client_gives_up_and_is_logged_as_aborted()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        var tokens = await sandbox.ConnectAsync();
        using var api = sandbox.CreateApiClient(tokens.AccessToken);
        api.Timeout = TimeSpan.FromMilliseconds(300);
        await sandbox.SetFaultsAsync(new FaultSettings { TimeoutRate = 1, TimeoutMilliseconds = 600_000 });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.GetAsync("prospects/1"));

        // The sandbox notices the abort and logs the call; poll (bounded) because that happens after the client gave up.
        RequestLogEntryView? aborted = null;
        for (var attempt = 0; attempt < 200 && aborted is null; attempt++)
        {
            var entry = (await sandbox.GetRequestsAsync()).LastOrDefault(e => e.Path == "/api/v2/prospects/1");
            aborted = entry is null ? null : new RequestLogEntryView(entry.StatusCode, entry.Fault);
            if (aborted is null)
            {
                await Task.Delay(25);
            }
        }

        Assert.Equal(new RequestLogEntryView(499, "timeout"), aborted);
    }

    [Fact]
    public async Task Latency_is_added_and_the_call_still_succeeds()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        await sandbox.SetFaultsAsync(new FaultSettings { LatencyMilliseconds = 5 });

        using var response = await api.GetAsync("prospects/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("latency", (await sandbox.GetRequestsAsync()).Last().Fault);
    }

    [Fact]
    public async Task Faults_reach_the_token_endpoint_only_when_included()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.MintingInterval = TimeSpan.Zero);
        var tokens = await sandbox.ConnectAsync();

        await sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1 });
        using var untouched = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(tokens.RefreshToken));
        await sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 1, IncludeTokenEndpoint = true });
        using var failed = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(tokens.RefreshToken));

        Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
    }

    [Fact]
    public async Task Faults_configured_at_start_are_active_and_delete_clears_them()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.Faults.ServerErrorRate = 1);
        using var api = await sandbox.ConnectedApiAsync();

        using var failing = await api.GetAsync("prospects/1");
        await sandbox.ClearFaultsAsync();
        using var healthy = await api.GetAsync("prospects/1");
        await sandbox.ResetAsync();
        using var restored = await api.GetAsync("prospects/1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, restored.StatusCode);
    }

    [Theory]
    [InlineData("""{"serverErrorRate":1.5}""")]
    [InlineData("""{"serverErrorStatusCode":404}""")]
    [InlineData("""{"latencyMilliseconds":-1}""")]
    [InlineData("""not json""")]
    public async Task Invalid_fault_settings_are_refused_with_400(string body)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await sandbox.Admin.PutAsync("admin/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await sandbox.GetFaultsAsync()).ServerErrorRate);
    }

    private static async Task<List<int>> StatusesWithSeededErrorsAsync(int seed)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        await sandbox.SetFaultsAsync(new FaultSettings { ServerErrorRate = 0.5, Seed = seed });
        var statuses = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await api.GetAsync("prospects/1");
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal(statuses.Count(s => s == 503), (await sandbox.GetCountersAsync()).ByFault.GetValueOrDefault("serverError"));
        return statuses;
    }

    private sealed record RequestLogEntryView(int StatusCode, string? Fault);
}

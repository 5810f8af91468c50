using System.Net;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>The sandbox-only admin surface: request log, counters, reset, revoke.</summary>
public sealed class AdminTests
{
    [Fact]
    public async Task Request_log_records_method_path_prospect_status_user_and_app()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(time: clock);
        using var api = await sandbox.ConnectedApiAsync();

        (await api.PatchAttributesAsync(7, """{"custom1":"x"}""")).Dispose();

        var log = await sandbox.GetRequestsAsync();
        Assert.Equal(["POST /oauth/authorize", "POST /oauth/token", "PATCH /api/v2/prospects/7"], log.Select(e => $"{e.Method} {e.Path}"));
        var patch = log[^1];
        Assert.Equal(7, patch.ProspectId);
        Assert.Equal(200, patch.StatusCode);
        Assert.Equal(SandboxUser.DemoEmail, patch.User);
        Assert.Equal(SandboxClient.DemoClientId, patch.ClientId);
        Assert.Equal(clock.GetUtcNow(), patch.Time);
        Assert.Null(patch.Fault);
        Assert.Equal([patch], await sandbox.GetRequestsAsync(after: log[^2].Sequence));
    }

    [Fact]
    public async Task Counters_count_calls_by_status_and_user()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        using var anonymous = new HttpClient { BaseAddress = sandbox.ApiBaseAddress };

        (await api.PatchAttributesAsync(1, """{"custom1":"x"}""")).Dispose();
        (await api.PatchAttributesAsync(2, """{"custom1":"x"}""")).Dispose();
        (await api.PatchAttributesAsync(1, """{"bad":"x"}""")).Dispose();
        (await anonymous.GetAsync("prospects/1")).Dispose();

        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(6, counters.TotalRequests); // sign-in, token, 3 PATCHes, 1 anonymous GET
        Assert.Equal(2, counters.ByStatus["200"] - 1); // the token call is a 200 too
        Assert.Equal(1, counters.ByStatus["422"]);
        Assert.Equal(1, counters.ByStatus["401"]);
        var user = Assert.Single(counters.Users);
        Assert.Equal(5, user.Requests);
        Assert.Equal(2, counters.ProspectsPatched);
        Assert.Equal(3, Assert.Single(counters.RateLimitWindows).Requests);
        Assert.Equal((1, 1), (counters.OAuth.AuthorizationCodesIssued, counters.OAuth.AccessTokensIssued));
    }

    [Fact]
    public async Task Reset_clears_log_and_counters_and_restores_prospects_but_keeps_tokens()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        (await api.PatchAttributesAsync(1, """{"firstName":"Changed"}""")).Dispose();

        await sandbox.ResetAsync();

        Assert.Empty(await sandbox.GetRequestsAsync());
        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(0, counters.TotalRequests);
        Assert.Empty(counters.RateLimitWindows);
        Assert.Equal("Ada", (await sandbox.GetProspectAttributesAsync(1))!.Value.GetProperty("firstName").GetString());
        using var stillConnected = await api.GetAsync("prospects/1");
        Assert.Equal(HttpStatusCode.OK, stillConnected.StatusCode);
    }

    [Fact]
    public async Task Reset_with_oauth_forgets_every_token()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        await sandbox.ResetAsync(includeOAuth: true);
        using var response = await api.GetAsync("prospects/1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).OAuth.AccessTokensIssued);
    }

    [Fact]
    public async Task Revoking_an_unknown_user_returns_404()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => sandbox.RevokeUserAsync("nobody@example.test"));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Request_log_keeps_the_newest_entries_while_counters_keep_counting()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.RequestLogCapacity = 3);
        using var api = await sandbox.ConnectedApiAsync();
        for (var id = 1; id <= 5; id++)
        {
            (await api.GetAsync($"prospects/{id}")).Dispose();
        }

        var log = await sandbox.GetRequestsAsync();

        Assert.Equal([3L, 4L, 5L], log.Select(e => e.ProspectId!.Value));
        Assert.Equal(7, (await sandbox.GetCountersAsync()).TotalRequests);
    }

    [Fact]
    public async Task Admin_prospect_read_does_not_need_a_token_or_count_as_a_call()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        Assert.NotNull(await sandbox.GetProspectAttributesAsync(1));
        Assert.Null(await sandbox.GetProspectAttributesAsync(10_000));
        Assert.Equal(0, (await sandbox.GetCountersAsync()).TotalRequests);
    }
}

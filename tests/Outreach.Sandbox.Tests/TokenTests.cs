using System.Net;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>The token endpoint: code exchange, refresh rotation, expiry rules, minting limit, error bodies.</summary>
public sealed class TokenTests
{
    [Fact]
    public async Task Code_exchange_returns_every_token_field()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(time: clock);
        var code = await sandbox.AuthorizeAsync("s", scope: "prospects.all");

        using var response = await sandbox.PostTokenFormAsync(sandbox.CodeGrant(code));

        var tokens = await response.ReadTokenAsync();
        Assert.StartsWith("sbx_at_", tokens.AccessToken, StringComparison.Ordinal);
        Assert.StartsWith("sbx_rt_", tokens.RefreshToken, StringComparison.Ordinal);
        Assert.Equal("bearer", tokens.TokenType);
        Assert.Equal(7200, tokens.ExpiresIn);
        Assert.Equal("prospects.all", tokens.Scope);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), tokens.CreatedAt);
    }

    [Fact]
    public async Task Code_exchange_accepts_a_json_body()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        var code = await sandbox.AuthorizeAsync("s");

        using var response = await sandbox.PostTokenJsonAsync(sandbox.CodeGrant(code));

        await response.ReadTokenAsync();
    }

    [Fact]
    public async Task Expires_in_follows_the_configured_access_token_lifetime()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.AccessTokenLifetime = TimeSpan.FromMinutes(5));

        var tokens = await sandbox.ConnectAsync();

        Assert.Equal(300, tokens.ExpiresIn);
    }

    [Fact]
    public async Task Code_is_single_use()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.MintingInterval = TimeSpan.Zero);
        var code = await sandbox.AuthorizeAsync("s");
        (await sandbox.PostTokenFormAsync(sandbox.CodeGrant(code))).Dispose();

        using var second = await sandbox.PostTokenFormAsync(sandbox.CodeGrant(code));

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        var error = await second.ReadOAuthErrorAsync();
        Assert.Equal("invalid_grant", error.Error);
        Assert.Contains("already used", error.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_expires_after_the_configured_lifetime()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.AuthorizationCodeLifetime = TimeSpan.FromMinutes(2), clock);
        var code = await sandbox.AuthorizeAsync("s");

        clock.Advance(TimeSpan.FromMinutes(2));
        using var response = await sandbox.PostTokenFormAsync(sandbox.CodeGrant(code));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await response.ReadOAuthErrorAsync()).Error);
    }

    [Fact]
    public async Task Code_exchange_with_another_redirect_uri_is_invalid_grant()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        var code = await sandbox.AuthorizeAsync("s");
        var fields = sandbox.CodeGrant(code);
        fields["redirect_uri"] = "http://127.0.0.1:1/other";

        using var response = await sandbox.PostTokenFormAsync(fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await response.ReadOAuthErrorAsync()).Error);
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData("")]
    public async Task Wrong_client_secret_is_invalid_client(string secret)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        var fields = sandbox.CodeGrant(await sandbox.AuthorizeAsync("s"));
        fields["client_secret"] = secret;

        using var response = await sandbox.PostTokenFormAsync(fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client", (await response.ReadOAuthErrorAsync()).Error);
    }

    [Fact]
    public async Task Invalid_client_status_is_configurable_to_401()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.InvalidClientStatusCode = 401);
        var fields = sandbox.RefreshGrant("whatever");
        fields["client_id"] = "unknown";

        using var response = await sandbox.PostTokenFormAsync(fields);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.ReadOAuthErrorAsync()).Error);
    }

    [Fact]
    public async Task Client_credentials_may_come_in_a_basic_header()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        var fields = sandbox.CodeGrant(await sandbox.AuthorizeAsync("s"));
        fields.Remove("client_id");
        fields.Remove("client_secret");
        using var request = new HttpRequestMessage(HttpMethod.Post, sandbox.TokenUri) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{sandbox.ClientId}:{sandbox.ClientSecret}")));

        using var response = await sandbox.Admin.SendAsync(request);

        await response.ReadTokenAsync();
    }

    [Fact]
    public async Task Unsupported_grant_type_is_refused()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        var fields = sandbox.RefreshGrant("x");
        fields["grant_type"] = "client_credentials";

        using var response = await sandbox.PostTokenFormAsync(fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await response.ReadOAuthErrorAsync()).Error);
    }

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_the_new_access_token_works()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(time: clock);
        var first = await sandbox.ConnectAsync();

        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await sandbox.RefreshAsync(first.RefreshToken);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(first.Scope, second.Scope);
        using var api = sandbox.CreateApiClient(second.AccessToken);
        using var response = await api.GetAsync("prospects/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Refresh_accepts_a_json_body_and_an_optional_redirect_uri()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.MintingInterval = TimeSpan.Zero);
        var first = await sandbox.ConnectAsync();
        var fields = sandbox.RefreshGrant(first.RefreshToken);
        fields["redirect_uri"] = sandbox.RedirectUri;

        using var response = await sandbox.PostTokenJsonAsync(fields);

        await response.ReadTokenAsync();
    }

    [Fact]
    public async Task Rotated_refresh_token_stays_usable_by_default()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.MintingInterval = TimeSpan.Zero);
        var first = await sandbox.ConnectAsync();
        await sandbox.RefreshAsync(first.RefreshToken);

        using var again = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(first.RefreshToken));

        await again.ReadTokenAsync();
    }

    [Fact]
    public async Task Rotated_refresh_token_is_refused_when_configured_single_use()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o =>
        {
            o.OAuth.MintingInterval = TimeSpan.Zero;
            o.OAuth.RotatedRefreshTokensStayValid = false;
        });
        var first = await sandbox.ConnectAsync();
        var second = await sandbox.RefreshAsync(first.RefreshToken);

        using var reuse = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(first.RefreshToken));

        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal("invalid_grant", (await reuse.ReadOAuthErrorAsync()).Error);
        await sandbox.RefreshAsync(second.RefreshToken);
    }

    [Fact]
    public async Task Refresh_token_expires_14_days_after_it_was_created()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(time: clock);
        var original = await sandbox.ConnectAsync();

        clock.Advance(TimeSpan.FromDays(14) - TimeSpan.FromSeconds(1));
        var renewed = await sandbox.RefreshAsync(original.RefreshToken);
        clock.Advance(TimeSpan.FromMinutes(1));
        using var expired = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(original.RefreshToken));

        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        var error = await expired.ReadOAuthErrorAsync();
        Assert.Equal("invalid_grant", error.Error);
        Assert.Contains("expired", error.ErrorDescription, StringComparison.Ordinal);
        // The token issued on day 14 has its own 14 days.
        await sandbox.RefreshAsync(renewed.RefreshToken);
    }

    [Fact]
    public async Task Refresh_token_expires_once_the_configured_number_of_newer_tokens_were_issued()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o =>
        {
            o.OAuth.MintingInterval = TimeSpan.Zero;
            o.OAuth.RefreshTokenMaxNewerTokens = 3;
        });
        var first = await sandbox.ConnectAsync();
        var second = await sandbox.RefreshAsync(first.RefreshToken);
        var third = await sandbox.RefreshAsync(second.RefreshToken);
        await sandbox.RefreshAsync(first.RefreshToken); // 2 newer tokens so far: still valid, and this issues the 3rd.

        using var tooOld = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(first.RefreshToken));

        Assert.Equal(HttpStatusCode.BadRequest, tooOld.StatusCode);
        Assert.Equal("invalid_grant", (await tooOld.ReadOAuthErrorAsync()).Error);
        await sandbox.RefreshAsync(third.RefreshToken);
    }

    [Fact]
    public async Task Minting_a_second_access_token_within_the_interval_returns_429()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(time: clock);
        var first = await sandbox.ConnectAsync();

        clock.Advance(TimeSpan.FromSeconds(59));
        using var limited = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(first.RefreshToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("1", limited.Header("Retry-After"));
        Assert.Equal("rateLimitExceeded", (await limited.ReadSingleErrorAsync()).Id);
        clock.Advance(TimeSpan.FromSeconds(1));
        await sandbox.RefreshAsync(first.RefreshToken);
        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(1, counters.OAuth.MintingRejections);
        Assert.Equal(2, counters.OAuth.AccessTokensIssued);
    }

    [Fact]
    public async Task Minting_limit_is_per_user()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o =>
        {
            o.Users.Add(SandboxUser.CreateDemo());
            o.Users.Add(new SandboxUser { Email = "second@outreach-sandbox.test", Password = "pw-2" });
        });

        await sandbox.ConnectAsync();
        await sandbox.ConnectAsync(email: "second@outreach-sandbox.test", password: "pw-2");
    }

    [Fact]
    public async Task Minting_limit_of_zero_is_disabled()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.MintingInterval = TimeSpan.Zero);
        var tokens = await sandbox.ConnectAsync();

        for (var i = 0; i < 3; i++)
        {
            tokens = await sandbox.RefreshAsync(tokens.RefreshToken);
        }
    }

    [Fact]
    public async Task Unknown_refresh_token_is_invalid_grant()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant("sbx_rt_not-issued"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await response.ReadOAuthErrorAsync()).Error);
    }

    [Fact]
    public async Task Revoked_refresh_token_is_invalid_grant()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.OAuth.MintingInterval = TimeSpan.Zero);
        var tokens = await sandbox.ConnectAsync();

        await sandbox.RevokeUserAsync();
        using var response = await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(tokens.RefreshToken));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("revoked", (await response.ReadOAuthErrorAsync()).ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_token_stops_working_after_expires_in()
    {
        var clock = SandboxTestKit.NewClock();
        await using var sandbox = await SandboxTestKit.StartAsync(time: clock);
        var tokens = await sandbox.ConnectAsync();
        using var api = sandbox.CreateApiClient(tokens.AccessToken);

        clock.Advance(TimeSpan.FromSeconds(tokens.ExpiresIn - 1));
        using var stillValid = await api.GetAsync("prospects/1");
        clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await api.GetAsync("prospects/1");

        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", (await expired.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unparsable_token_request_body_is_invalid_request()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await sandbox.Admin.PostAsync(sandbox.TokenUri, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.ReadOAuthErrorAsync()).Error);
    }
}

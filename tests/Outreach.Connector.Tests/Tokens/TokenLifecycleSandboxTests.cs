using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using Outreach.Testing.KeyVaultFake;

namespace Outreach.Connector.Tests.Tokens;

/// <summary>
/// The whole token lifecycle against the Outreach sandbox over real loopback HTTP, with the refresh lock on Azurite:
/// authorization, rotation, expiry (fake clock shared with the sandbox), cross-instance single refresh, minting limit,
/// revocation and re-authorization, keep-alive.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TokenLifecycleSandboxTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly LogCapture _logs = new();
    private readonly List<IAsyncDisposable> _disposables = [];
    private SandboxServer _sandbox = null!;

    private static readonly IReadOnlyList<KeyValuePair<string, FieldValue>> Update = [KeyValuePair.Create("custom3", FieldValue.FromString("realized"))];

    public async Task InitializeAsync()
    {
        // Strict rotation: a refresh token is single-use, so only a client that persists every rotated token survives.
        var options = new SandboxOptions { OAuth = { RotatedRefreshTokensStayValid = false } };
        _sandbox = await SandboxServer.StartAsync(options, _time);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        await _sandbox.DisposeAsync();
    }

    private ConnectorInstance Instance(ConnectorInstance.Deployment deployment, IDictionary<string, string?>? settings = null)
    {
        var instance = ConnectorInstance.Create(_sandbox, azurite, deployment, _time, _logs, settings);
        _disposables.Add(instance);
        return instance;
    }

    private async Task<long> TokenRequestsAsync() =>
        (await _sandbox.GetRequestsAsync()).Count(r => r.Path.StartsWith("/oauth/token", StringComparison.Ordinal));

    [Fact]
    public async Task Code_exchange_connects_and_the_client_patches_with_the_new_token()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        Assert.IsType<OutreachCallOutcome.Unauthorized>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));

        var completion = await instance.AuthorizeAsync();
        var outcome = await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);

        var connected = Assert.IsType<AuthorizationCompletion.Connected>(completion);
        Assert.Empty(connected.MissingScopes);
        Assert.IsType<OutreachCallOutcome.Succeeded>(outcome);
        Assert.Equal("realized", (await _sandbox.GetProspectAttributesAsync(7))!.Value.GetProperty("custom3").GetString());
        var stored = (await instance.Store.GetAsync("default", CancellationToken.None))!.Tokens;
        Assert.Equal(ConnectionStatus.Connected, stored.Status);
        Assert.Equal(_time.GetUtcNow(), stored.RefreshTokenIssuedAt);
        var counters = await _sandbox.GetCountersAsync();
        Assert.Equal(1, counters.OAuth.AccessTokensIssued);
        Assert.Equal(0, counters.OAuth.Refreshes);
    }

    [Fact]
    public async Task Callback_with_a_forged_or_replayed_state_is_refused()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        var start = await instance.Flow.StartAsync(CancellationToken.None);
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(start.AuthorizationUrl.Query)["state"].ToString();
        var code = await _sandbox.AuthorizeAsync(state);

        var forged = await instance.Flow.CompleteAsync(code, "forged", null, CancellationToken.None);
        var genuine = await instance.Flow.CompleteAsync(code, state, null, CancellationToken.None);
        var replayed = await instance.Flow.CompleteAsync(code, state, null, CancellationToken.None);

        Assert.IsType<AuthorizationCompletion.InvalidState>(forged);
        Assert.IsType<AuthorizationCompletion.Connected>(genuine);
        Assert.IsType<AuthorizationCompletion.InvalidState>(replayed);
    }

    [Fact]
    public async Task Declined_authorization_is_reported_and_stores_nothing()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        var start = await instance.Flow.StartAsync(CancellationToken.None);
        var state = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(start.AuthorizationUrl.Query)["state"].ToString();

        var completion = await instance.Flow.CompleteAsync(null, state, "access_denied", CancellationToken.None);

        Assert.Equal("access_denied", Assert.IsType<AuthorizationCompletion.Denied>(completion).Error);
        Assert.Null(await instance.Store.GetAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task Rotation_persists_the_newest_refresh_token_after_every_refresh()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        await instance.AuthorizeAsync();
        var seen = new List<string> { (await instance.Store.GetAsync("default", CancellationToken.None))!.Tokens.RefreshToken };

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromHours(2));
            Assert.IsType<OutreachCallOutcome.Succeeded>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));
            seen.Add((await instance.Store.GetAsync("default", CancellationToken.None))!.Tokens.RefreshToken);
        }

        Assert.Equal(4, seen.Distinct().Count());
        Assert.Equal(3, (await _sandbox.GetCountersAsync()).OAuth.Refreshes);
    }

    [Fact]
    public async Task Access_token_is_refreshed_only_when_it_nears_expiry()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        await instance.AuthorizeAsync();

        _time.Advance(TimeSpan.FromMinutes(110));
        await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);
        var beforeSkew = (await _sandbox.GetCountersAsync()).OAuth.Refreshes;
        _time.Advance(TimeSpan.FromMinutes(6));
        await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);
        var insideSkew = (await _sandbox.GetCountersAsync()).OAuth.Refreshes;

        Assert.Equal(0, beforeSkew);
        Assert.Equal(1, insideSkew);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_refresh_across_two_instances_reaches_outreach_exactly_once(bool keyVault)
    {
        KeyVaultFakeServer? vault = null;
        if (keyVault)
        {
            vault = await KeyVaultFakeServer.StartAsync("kv-token");
            _disposables.Add(vault);
        }

        var deployment = ConnectorInstance.Deployment.Create(vault?.CreateSecretClient(new FakeTokenCredential("kv-token")));
        var first = Instance(deployment);
        var second = Instance(deployment);
        await first.AuthorizeAsync();
        _time.Advance(TimeSpan.FromHours(3));
        var tokenRequestsBefore = await TokenRequestsAsync();

        var patches = Enumerable.Range(1, 10)
            .Select(i => Task.Run(() => (i % 2 == 0 ? first : second).Client.PatchProspectAsync(i, Update, CancellationToken.None)))
            .ToArray();
        var outcomes = await Task.WhenAll(patches);

        Assert.All(outcomes, o => Assert.IsType<OutreachCallOutcome.Succeeded>(o));
        Assert.Equal(tokenRequestsBefore + 1, await TokenRequestsAsync());
        Assert.Equal(1, (await _sandbox.GetCountersAsync()).OAuth.Refreshes);
    }

    [Fact]
    public async Task Minting_limit_429_from_outreach_is_waited_out()
    {
        // The local minting guard is off here, as if this instance's clock were behind: Outreach itself answers 429.
        var instance = Instance(ConnectorInstance.Deployment.Create(), new Dictionary<string, string?> { ["Tokens:MintingInterval"] = "00:00:00" });
        await instance.AuthorizeAsync();
        var mintedAt = _time.GetUtcNow();
        var token = Assert.IsType<AccessTokenOutcome.Available>(await instance.Provider.GetAccessTokenAsync(CancellationToken.None)).Token;

        var limited = await instance.Provider.RefreshAfterRejectionAsync(token, CancellationToken.None);
        var stillLimited = await instance.Provider.RefreshAfterRejectionAsync(token, CancellationToken.None);
        var rejectionsWhileWaiting = (await _sandbox.GetCountersAsync()).OAuth.MintingRejections;
        _time.Advance(TimeSpan.FromSeconds(60));
        var afterWait = await instance.Provider.RefreshAfterRejectionAsync(token, CancellationToken.None);

        Assert.Equal(mintedAt.AddSeconds(60), Assert.IsType<AccessTokenOutcome.Unavailable>(limited).RetryAt);
        Assert.IsType<AccessTokenOutcome.Unavailable>(stillLimited);
        Assert.Equal(1, rejectionsWhileWaiting);
        Assert.NotEqual(token.Value, Assert.IsType<AccessTokenOutcome.Available>(afterWait).Token.Value);
    }

    [Fact]
    public async Task Forced_refresh_inside_the_minting_minute_is_not_sent_to_outreach()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        await instance.AuthorizeAsync();
        var token = Assert.IsType<AccessTokenOutcome.Available>(await instance.Provider.GetAccessTokenAsync(CancellationToken.None)).Token;
        var before = await TokenRequestsAsync();

        var result = await instance.Provider.RefreshAfterRejectionAsync(token, CancellationToken.None);

        Assert.Equal(_time.GetUtcNow().AddSeconds(60), Assert.IsType<AccessTokenOutcome.Unavailable>(result).RetryAt);
        Assert.Equal(before, await TokenRequestsAsync());
    }

    [Fact]
    public async Task Revoked_connection_needs_reauthorization_pauses_without_calling_outreach_and_resumes_after_a_new_authorization()
    {
        var deployment = ConnectorInstance.Deployment.Create();
        var instance = Instance(deployment);
        var other = Instance(deployment);
        await instance.AuthorizeAsync();
        Assert.IsType<OutreachCallOutcome.Succeeded>(await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None));
        await _sandbox.RevokeUserAsync();
        _time.Advance(TimeSpan.FromMinutes(2));

        var revoked = await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);
        var requestsAfterRevocation = (await _sandbox.GetRequestsAsync()).Count;
        var paused = await instance.Client.PatchProspectAsync(8, Update, CancellationToken.None);
        var pausedElsewhere = await other.Client.PatchProspectAsync(9, Update, CancellationToken.None);
        var requestsWhilePaused = (await _sandbox.GetRequestsAsync()).Count;
        var status = await other.State.GetStatusAsync(CancellationToken.None);

        Assert.IsType<OutreachCallOutcome.Unauthorized>(revoked);
        Assert.IsType<OutreachCallOutcome.Unauthorized>(paused);
        Assert.IsType<OutreachCallOutcome.Unauthorized>(pausedElsewhere);
        Assert.Equal(requestsAfterRevocation, requestsWhilePaused);
        Assert.Equal(ConnectionStatus.NeedsReauthorization, status.Status);
        Assert.Contains("invalid_grant", status.Reason, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.IsType<AuthorizationCompletion.Connected>(await instance.AuthorizeAsync());
        Assert.IsType<OutreachCallOutcome.Succeeded>(await instance.Client.PatchProspectAsync(8, Update, CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.IsType<OutreachCallOutcome.Succeeded>(await other.Client.PatchProspectAsync(9, Update, CancellationToken.None));
        Assert.Equal(ConnectionStatus.Connected, (await other.State.GetStatusAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Keep_alive_rotates_an_idle_connection_so_it_outlives_the_fourteen_day_refresh_token()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        await instance.AuthorizeAsync();

        _time.Advance(TimeSpan.FromDays(3));
        var early = await instance.KeepAlive.RefreshIfIdleAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(5));
        var due = await instance.KeepAlive.RefreshIfIdleAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(8));
        var outcome = await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);

        Assert.IsType<KeepAliveOutcome.NotNeeded>(early);
        Assert.IsType<KeepAliveOutcome.Refreshed>(due);
        Assert.IsType<OutreachCallOutcome.Succeeded>(outcome);
    }

    [Fact]
    public async Task Idle_connection_without_keep_alive_expires_after_fourteen_days_and_needs_reauthorization()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        await instance.AuthorizeAsync();

        _time.Advance(TimeSpan.FromDays(15));
        var outcome = await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);

        Assert.IsType<OutreachCallOutcome.Unauthorized>(outcome);
        Assert.Equal(ConnectionStatus.NeedsReauthorization, (await instance.State.GetStatusAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Missing_scope_is_reported_at_authorization_and_patches_are_permanent_403()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());

        var completion = await instance.AuthorizeAsync(scope: "prospects.read");
        var outcome = await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);

        Assert.Equal(["prospects.write", "batches.read", "batches.write", "imports.read", "imports.write"], Assert.IsType<AuthorizationCompletion.Connected>(completion).MissingScopes);
        var permanent = Assert.IsType<OutreachCallOutcome.Permanent>(outcome);
        Assert.Equal(403, permanent.StatusCode);
        Assert.Equal("unauthorizedOauthScope", permanent.FirstError!.Id);
    }

    [Fact]
    public async Task Logs_of_the_whole_lifecycle_never_contain_tokens_codes_or_secrets()
    {
        var instance = Instance(ConnectorInstance.Deployment.Create());
        await instance.AuthorizeAsync();
        _time.Advance(TimeSpan.FromHours(3));
        await instance.Client.PatchProspectAsync(7, Update, CancellationToken.None);
        var stored = (await instance.Store.GetAsync("default", CancellationToken.None))!.Tokens;

        Assert.NotEmpty(_logs.Entries);
        Assert.DoesNotContain(stored.RefreshToken, _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.AccessToken!, _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.ClientSecret, _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("realized", _logs.AllText, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Tokens;

public sealed class AccessTokenProviderTests
{
    private const string Connection = "default";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryTokenStore _store = new();
    private readonly InProcessConnectionLock _lock = new();
    private readonly Mock<IOutreachOAuthClient> _oauth = new(MockBehavior.Strict);
    private readonly LogCapture _logs = new();
    private readonly TokenOptions _options = new() { Store = TokenStoreKind.Local };
    private int _issued;

    private TokenComponents CreateProvider() => new(this);

    private void SeedConnected(string refreshToken = "rt-0", string? accessToken = null, TimeSpan? accessLeft = null, DateTimeOffset? refreshIssuedAt = null, DateTimeOffset? accessIssuedAt = null)
    {
        var now = _time.GetUtcNow();
        _store.Seed(Connection, new ConnectionTokens(
            ConnectionStatus.Connected,
            refreshToken,
            refreshIssuedAt ?? now.AddHours(-3),
            accessToken,
            accessToken is null ? null : accessIssuedAt ?? now.AddHours(-1),
            accessToken is null ? null : now + (accessLeft ?? TimeSpan.FromHours(1)),
            "prospects.read prospects.write"));
    }

    // Each refresh answers with the next numbered pair: at-1/rt-1, at-2/rt-2, ...
    private void RefreshSucceeds()
    {
        _oauth.Setup(o => o.RefreshAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                var n = Interlocked.Increment(ref _issued);
                return new TokenEndpointOutcome.Success(new TokenGrant($"at-{n}", $"rt-{n}", TimeSpan.FromHours(2), "prospects.read prospects.write", null, "bearer"));
            });
    }

    private void RefreshAnswers(TokenEndpointOutcome result) =>
        _oauth.Setup(o => o.RefreshAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(result);

    private int RefreshCalls => _oauth.Invocations.Count(i => i.Method.Name == nameof(IOutreachOAuthClient.RefreshAsync));

    [Fact]
    public async Task Expired_access_token_is_refreshed_and_the_rotated_refresh_token_stored()
    {
        SeedConnected(accessToken: "at-old", accessLeft: TimeSpan.FromMinutes(-1));
        RefreshSucceeds();

        var result = await CreateProvider().GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal(new OutreachAccessToken("at-1", Start.AddHours(2)), Assert.IsType<AccessTokenOutcome.Available>(result).Token);
        _oauth.Verify(o => o.RefreshAsync("rt-0", It.IsAny<CancellationToken>()), Times.Once);
        var stored = _store.Peek(Connection)!.Tokens;
        Assert.Equal("rt-1", stored.RefreshToken);
        Assert.Equal(Start, stored.RefreshTokenIssuedAt);
        Assert.Equal("at-1", stored.AccessToken);
        Assert.Equal(Start, stored.AccessTokenIssuedAt);
    }

    [Fact]
    public async Task Refresh_persists_new_refresh_token_before_using_access_token()
    {
        SeedConnected();
        RefreshSucceeds();
        string? storedWhenHandedOut = null;
        var provider = CreateProvider();

        var result = await provider.GetAccessTokenAsync(CancellationToken.None);
        storedWhenHandedOut = _store.Peek(Connection)!.Tokens.RefreshToken;

        Assert.IsType<AccessTokenOutcome.Available>(result);
        Assert.Equal("rt-1", storedWhenHandedOut);
        Assert.Equal(["get", "get", "save"], _store.Journal);
    }

    [Fact]
    public async Task Refresh_whose_save_fails_does_not_hand_out_the_new_access_token()
    {
        SeedConnected();
        RefreshSucceeds();
        _store.FailSavesWith = new IOException("vault unreachable");

        var result = await CreateProvider().GetAccessTokenAsync(CancellationToken.None);

        Assert.IsType<AccessTokenOutcome.Unavailable>(result);
        Assert.Equal("rt-0", _store.Peek(Connection)!.Tokens.RefreshToken);
    }

    [Fact]
    public async Task Rotated_tokens_whose_save_failed_are_saved_on_the_next_attempt_without_another_refresh()
    {
        SeedConnected();
        RefreshSucceeds();
        _store.FailSavesWith = new IOException("vault unreachable");
        var provider = CreateProvider();
        await provider.GetAccessTokenAsync(CancellationToken.None);
        _store.FailSavesWith = null;
        _time.Advance(_options.RefreshRetryDelay);

        var result = await provider.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("at-1", Assert.IsType<AccessTokenOutcome.Available>(result).Token.Value);
        Assert.Equal("rt-1", _store.Peek(Connection)!.Tokens.RefreshToken);
        Assert.Equal(1, RefreshCalls);
    }

    [Fact]
    public async Task Cached_access_token_is_reused_until_shortly_before_it_expires()
    {
        SeedConnected();
        RefreshSucceeds();
        var provider = CreateProvider();
        await provider.GetAccessTokenAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromHours(2) - _options.AccessTokenRefreshSkew - TimeSpan.FromSeconds(1));
        var cached = await provider.GetAccessTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        var refreshed = await provider.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("at-1", Assert.IsType<AccessTokenOutcome.Available>(cached).Token.Value);
        Assert.Equal("at-2", Assert.IsType<AccessTokenOutcome.Available>(refreshed).Token.Value);
        Assert.Equal(2, RefreshCalls);
    }

    [Fact]
    public async Task Access_token_in_the_store_from_another_instance_is_reused_without_a_refresh()
    {
        SeedConnected(accessToken: "at-shared");

        var result = await CreateProvider().GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("at-shared", Assert.IsType<AccessTokenOutcome.Available>(result).Token.Value);
        Assert.Equal(0, RefreshCalls);
        Assert.Equal(0, _lock.Acquisitions);
    }

    [Fact]
    public async Task Concurrent_callers_in_one_process_share_a_single_refresh()
    {
        SeedConnected();
        var release = new TaskCompletionSource();
        _oauth.Setup(o => o.RefreshAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await release.Task;
                return new TokenEndpointOutcome.Success(new TokenGrant("at-1", "rt-1", TimeSpan.FromHours(2), null, null, null));
            });
        var provider = CreateProvider();

        var callers = Enumerable.Range(0, 20).Select(_ => Task.Run(() => provider.GetAccessTokenAsync(CancellationToken.None).AsTask())).ToArray();
        release.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.All(results, r => Assert.Equal("at-1", Assert.IsType<AccessTokenOutcome.Available>(r).Token.Value));
        Assert.Equal(1, RefreshCalls);
    }

    [Fact]
    public async Task Two_providers_sharing_a_store_and_lock_refresh_once()
    {
        SeedConnected();
        RefreshSucceeds();
        var first = CreateProvider();
        var second = CreateProvider();

        var results = await Task.WhenAll(
            Task.Run(() => first.GetAccessTokenAsync(CancellationToken.None).AsTask()),
            Task.Run(() => second.GetAccessTokenAsync(CancellationToken.None).AsTask()));

        Assert.All(results, r => Assert.Equal("at-1", Assert.IsType<AccessTokenOutcome.Available>(r).Token.Value));
        Assert.Equal(1, RefreshCalls);
    }

    [Fact]
    public async Task Invalid_grant_marks_the_connection_needing_reauthorization_and_stops_calling_outreach()
    {
        SeedConnected();
        RefreshAnswers(new TokenEndpointOutcome.InvalidGrant(400, "invalid_grant"));
        var provider = CreateProvider();

        var first = await provider.GetAccessTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));
        var second = await provider.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal("invalid_grant (HTTP 400)", Assert.IsType<AccessTokenOutcome.NeedsReauthorization>(first).Reason);
        Assert.IsType<AccessTokenOutcome.NeedsReauthorization>(second);
        Assert.Equal(1, RefreshCalls);
        var stored = _store.Peek(Connection)!.Tokens;
        Assert.Equal(ConnectionStatus.NeedsReauthorization, stored.Status);
        Assert.Null(stored.AccessToken);
        var status = await provider.GetStatusAsync(CancellationToken.None);
        Assert.Equal(ConnectionStatus.NeedsReauthorization, status.Status);
        Assert.True(status.NeedsAuthorization);
    }

    [Fact]
    public async Task New_authorization_clears_needs_reauthorization_and_resumes()
    {
        SeedConnected();
        RefreshAnswers(new TokenEndpointOutcome.InvalidGrant(400, "invalid_grant"));
        var provider = CreateProvider();
        await provider.GetAccessTokenAsync(CancellationToken.None);

        var accepted = await provider.AcceptAuthorizationAsync(
            new TokenGrant("at-new", "rt-new", TimeSpan.FromHours(2), "prospects.read prospects.write", null, "bearer"), _time.GetUtcNow(), CancellationToken.None);
        var result = await provider.GetAccessTokenAsync(CancellationToken.None);

        Assert.True(accepted);
        Assert.Equal("at-new", Assert.IsType<AccessTokenOutcome.Available>(result).Token.Value);
        var stored = _store.Peek(Connection)!.Tokens;
        Assert.Equal(ConnectionStatus.Connected, stored.Status);
        Assert.Equal("rt-new", stored.RefreshToken);
        Assert.Equal(1, RefreshCalls);
    }

    [Fact]
    public async Task Needs_reauthorization_written_by_another_instance_is_seen_within_one_poll_interval()
    {
        SeedConnected(accessToken: "at-shared");
        var provider = CreateProvider();
        await provider.GetAccessTokenAsync(CancellationToken.None);
        var tokens = _store.Peek(Connection)!.Tokens.AsNeedingReauthorization("invalid_grant (HTTP 400)", _time.GetUtcNow());
        _store.Seed(Connection, tokens);

        // Within the interval the cached token is handed out; at the interval the store is read again and its mark
        // stops this instance, without a request to Outreach or a refresh.
        _time.Advance(_options.ConnectionPollInterval - TimeSpan.FromMilliseconds(1));
        var cached = await provider.GetAccessTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await provider.GetAccessTokenAsync(CancellationToken.None);

        Assert.IsType<AccessTokenOutcome.Available>(cached);
        Assert.IsType<AccessTokenOutcome.NeedsReauthorization>(result);
        Assert.True(provider.State.IsPaused);
        Assert.Equal(0, RefreshCalls);
    }

    [Fact]
    public async Task A_401_to_a_freshly_refreshed_token_marks_the_connection_needing_reauthorization_for_every_instance()
    {
        SeedConnected(accessToken: "at-fresh");
        var provider = CreateProvider();
        var other = CreateProvider();
        await other.GetAccessTokenAsync(CancellationToken.None);

        var result = await provider.Provider.RejectedAfterRefreshAsync(new OutreachAccessToken("at-fresh", Start.AddHours(1)), CancellationToken.None);
        _time.Advance(_options.ConnectionPollInterval);
        var seenByOther = await other.GetAccessTokenAsync(CancellationToken.None);

        Assert.IsType<AccessTokenOutcome.NeedsReauthorization>(result);
        Assert.Equal(ConnectionStatus.NeedsReauthorization, _store.Peek(Connection)!.Tokens.Status);
        Assert.IsType<AccessTokenOutcome.NeedsReauthorization>(seenByOther);
        Assert.True(other.State.IsPaused);
        Assert.Equal(0, RefreshCalls);
    }

    [Fact]
    public async Task A_401_to_a_token_the_store_already_replaced_does_not_mark_the_connection()
    {
        SeedConnected(accessToken: "at-newer");

        var result = await CreateProvider().Provider.RejectedAfterRefreshAsync(new OutreachAccessToken("at-older", Start.AddHours(1)), CancellationToken.None);

        Assert.IsType<AccessTokenOutcome.Unavailable>(result);
        Assert.Equal(ConnectionStatus.Connected, _store.Peek(Connection)!.Tokens.Status);
    }

    [Fact]
    public async Task Never_authorized_connection_is_not_connected_without_calling_outreach()
    {
        var result = await CreateProvider().GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal(Connection, Assert.IsType<AccessTokenOutcome.NotConnected>(result).ConnectionName);
        Assert.Equal(0, RefreshCalls);
    }

    [Fact]
    public async Task Forced_refresh_within_the_minting_interval_waits_instead_of_calling_outreach()
    {
        SeedConnected(accessToken: "at-fresh", accessIssuedAt: Start.AddSeconds(-20));
        var provider = CreateProvider();

        var result = await provider.RefreshAfterRejectionAsync(new OutreachAccessToken("at-fresh", Start.AddHours(1)), CancellationToken.None);

        Assert.Equal(Start.AddSeconds(40), Assert.IsType<AccessTokenOutcome.Unavailable>(result).RetryAt);
        Assert.Equal(0, RefreshCalls);
    }

    [Fact]
    public async Task Forced_refresh_reuses_a_different_token_another_instance_already_stored()
    {
        SeedConnected(accessToken: "at-rejected");
        var provider = CreateProvider();
        await provider.GetAccessTokenAsync(CancellationToken.None);
        SeedConnected(refreshToken: "rt-9", accessToken: "at-other");

        var result = await provider.RefreshAfterRejectionAsync(new OutreachAccessToken("at-rejected", Start.AddHours(1)), CancellationToken.None);

        Assert.Equal("at-other", Assert.IsType<AccessTokenOutcome.Available>(result).Token.Value);
        Assert.Equal(0, RefreshCalls);
    }

    [Fact]
    public async Task Rejected_token_is_not_handed_out_again_while_its_refresh_fails()
    {
        SeedConnected(accessToken: "at-rejected");
        RefreshAnswers(new TokenEndpointOutcome.Transient(503, "down", null));
        var provider = CreateProvider();
        await provider.GetAccessTokenAsync(CancellationToken.None);

        await provider.RefreshAfterRejectionAsync(new OutreachAccessToken("at-rejected", Start.AddHours(1)), CancellationToken.None);
        var next = await provider.GetAccessTokenAsync(CancellationToken.None);

        Assert.IsType<AccessTokenOutcome.Unavailable>(next);
        Assert.Equal(1, RefreshCalls);
    }

    [Fact]
    public async Task Minting_limited_refresh_is_unavailable_until_outreach_allows_and_not_retried_sooner()
    {
        SeedConnected();
        RefreshAnswers(new TokenEndpointOutcome.MintingLimited(Start.AddSeconds(30)));
        var provider = CreateProvider();

        var first = await provider.GetAccessTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await provider.GetAccessTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(21));
        RefreshSucceeds();
        var third = await provider.GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal(Start.AddSeconds(30), Assert.IsType<AccessTokenOutcome.Unavailable>(first).RetryAt);
        Assert.IsType<AccessTokenOutcome.Unavailable>(second);
        Assert.IsType<AccessTokenOutcome.Available>(third);
        Assert.Equal(2, RefreshCalls);
    }

    [Fact]
    public async Task Transient_refresh_failure_is_unavailable_and_keeps_the_stored_tokens()
    {
        SeedConnected();
        RefreshAnswers(new TokenEndpointOutcome.Transient(502, "bad gateway", null));

        var result = await CreateProvider().GetAccessTokenAsync(CancellationToken.None);

        Assert.Equal(Start + _options.RefreshRetryDelay, Assert.IsType<AccessTokenOutcome.Unavailable>(result).RetryAt);
        Assert.Equal(ConnectionStatus.Connected, _store.Peek(Connection)!.Tokens.Status);
        Assert.Equal("rt-0", _store.Peek(Connection)!.Tokens.RefreshToken);
    }

    [Fact]
    public async Task Rejected_client_credentials_are_refused_but_not_persisted_as_needing_reauthorization()
    {
        SeedConnected();
        RefreshAnswers(new TokenEndpointOutcome.ClientRejected(401, "invalid_client"));

        var result = await CreateProvider().GetAccessTokenAsync(CancellationToken.None);

        Assert.IsType<AccessTokenOutcome.Refused>(result);
        Assert.Equal(ConnectionStatus.Connected, _store.Peek(Connection)!.Tokens.Status);
    }

    [Fact]
    public async Task Busy_lock_is_unavailable_for_now()
    {
        SeedConnected();
        _options.LockWaitTimeout = TimeSpan.Zero;
        await using var held = await _lock.TryAcquireAsync(Connection, TimeSpan.Zero, CancellationToken.None);

        var result = await CreateProvider().GetAccessTokenAsync(CancellationToken.None);

        Assert.IsType<AccessTokenOutcome.Unavailable>(result);
        Assert.Equal(0, RefreshCalls);
    }

    [Fact]
    public async Task Rotated_tokens_are_persisted_even_if_the_caller_cancels_during_the_refresh()
    {
        SeedConnected();
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _oauth.Setup(o => o.RefreshAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, CancellationToken token) =>
            {
                Assert.False(token.CanBeCanceled);
                entered.SetResult();
                await release.Task;
                return new TokenEndpointOutcome.Success(new TokenGrant("at-1", "rt-1", TimeSpan.FromHours(2), null, null, null));
            });
        using var cancel = new CancellationTokenSource();
        var call = CreateProvider().GetAccessTokenAsync(cancel.Token).AsTask();
        await entered.Task;
        await cancel.CancelAsync();
        release.SetResult();
        await call;

        Assert.Equal("rt-1", _store.Peek(Connection)!.Tokens.RefreshToken);
    }

    [Fact]
    public async Task Keep_alive_does_nothing_while_the_refresh_token_is_young()
    {
        SeedConnected(refreshIssuedAt: Start.AddDays(-6));

        var result = await CreateProvider().RefreshIfOlderThanAsync(TimeSpan.FromDays(7), CancellationToken.None);

        Assert.Equal(Start.AddDays(-6), Assert.IsType<KeepAliveOutcome.NotNeeded>(result).RefreshTokenIssuedAt);
        Assert.Equal(0, RefreshCalls);
    }

    [Fact]
    public async Task Keep_alive_rotates_a_refresh_token_older_than_the_configured_age()
    {
        SeedConnected(accessToken: "at-still-valid", refreshIssuedAt: Start.AddDays(-8), accessIssuedAt: Start.AddMinutes(-30));
        RefreshSucceeds();
        var keepAlive = CreateProvider().KeepAlive;

        var result = await keepAlive.RefreshIfIdleAsync(CancellationToken.None);

        Assert.Equal(Start, Assert.IsType<KeepAliveOutcome.Refreshed>(result).RefreshTokenIssuedAt);
        Assert.Equal("rt-1", _store.Peek(Connection)!.Tokens.RefreshToken);
        Assert.Equal(Start, _store.Peek(Connection)!.Tokens.RefreshTokenIssuedAt);
    }

    [Fact]
    public async Task Keep_alive_reports_needs_reauthorization_and_not_connected()
    {
        var provider = CreateProvider();
        Assert.IsType<KeepAliveOutcome.NotConnected>(await provider.RefreshIfOlderThanAsync(TimeSpan.FromDays(7), CancellationToken.None));

        SeedConnected(refreshIssuedAt: Start.AddDays(-20));
        RefreshAnswers(new TokenEndpointOutcome.InvalidGrant(400, "invalid_grant"));
        Assert.IsType<KeepAliveOutcome.NeedsReauthorization>(await provider.RefreshIfOlderThanAsync(TimeSpan.FromDays(7), CancellationToken.None));
        Assert.IsType<KeepAliveOutcome.NeedsReauthorization>(await provider.RefreshIfOlderThanAsync(TimeSpan.FromDays(7), CancellationToken.None));
        Assert.Equal(1, RefreshCalls);
    }

    [Fact]
    public async Task Status_report_shows_issue_times_and_the_refresh_token_deadline()
    {
        SeedConnected(accessToken: "at-1", refreshIssuedAt: Start.AddDays(-2));

        var status = await CreateProvider().GetStatusAsync(CancellationToken.None);

        Assert.Equal(ConnectionStatus.Connected, status.Status);
        Assert.False(status.NeedsAuthorization);
        Assert.Equal(Start.AddDays(12), status.RefreshTokenExpiresAt);
        Assert.Equal(Start.AddHours(1), status.AccessTokenExpiresAt);
        Assert.DoesNotContain("at-1", status.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_a_never_authorized_connection_is_not_connected()
    {
        var status = await CreateProvider().GetStatusAsync(CancellationToken.None);

        Assert.Equal(ConnectionStatus.NotConnected, status.Status);
        Assert.True(status.NeedsAuthorization);
    }

    [Fact]
    public async Task Logs_never_contain_tokens()
    {
        SeedConnected(refreshToken: "rt-SECRET");
        _oauth.Setup(o => o.RefreshAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TokenEndpointOutcome.Success(new TokenGrant("at-SECRET", "rt-SECRET2", TimeSpan.FromHours(2), null, null, null)));
        var provider = CreateProvider();
        var token = await provider.GetAccessTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        await provider.RefreshAfterRejectionAsync(((AccessTokenOutcome.Available)token).Token, CancellationToken.None);

        Assert.NotEmpty(_logs.Entries);
        Assert.DoesNotContain("SECRET", _logs.AllText, StringComparison.Ordinal);
    }

    // The token components of one instance as the app wires them, over this test's store, lock, OAuth mock and clock.
    private sealed class TokenComponents
    {
        public TokenComponents(AccessTokenProviderTests test)
        {
            var options = Options.Create(test._options);
            State = new ConnectionState(Connection, test._store, options, test._time, test._logs.CreateLogger<ConnectionState>());
            var entry = new TokenStoreEntry(Connection, test._store, options, test._time, test._logs.CreateLogger<TokenStoreEntry>(), State);
            var refresher = new TokenRefresher(entry, test._lock, test._oauth.Object, options, test._time, test._logs.CreateLogger<TokenRefresher>());
            Provider = new AccessTokenProvider(refresher, test._logs.CreateLogger<AccessTokenProvider>());
            KeepAlive = new ConnectionKeepAlive(refresher, test._logs.CreateLogger<ConnectionKeepAlive>());
            Authorizer = new ConnectionAuthorizer(refresher, test._logs.CreateLogger<ConnectionAuthorizer>());
        }

        public ConnectionState State { get; }

        public AccessTokenProvider Provider { get; }

        public ConnectionKeepAlive KeepAlive { get; }

        public ConnectionAuthorizer Authorizer { get; }

        public ValueTask<AccessTokenOutcome> GetAccessTokenAsync(CancellationToken cancellationToken) => Provider.GetAccessTokenAsync(cancellationToken);

        public ValueTask<AccessTokenOutcome> RefreshAfterRejectionAsync(OutreachAccessToken rejected, CancellationToken cancellationToken) =>
            Provider.RefreshAfterRejectionAsync(rejected, cancellationToken);

        public Task<bool> AcceptAuthorizationAsync(TokenGrant grant, DateTimeOffset requestedAt, CancellationToken cancellationToken) =>
            Authorizer.AcceptAuthorizationAsync(grant, requestedAt, cancellationToken);

        public Task<KeepAliveOutcome> RefreshIfOlderThanAsync(TimeSpan maxAge, CancellationToken cancellationToken) =>
            KeepAlive.RefreshIfOlderThanAsync(maxAge, cancellationToken);

        public Task<ConnectionStatusReport> GetStatusAsync(CancellationToken cancellationToken) => State.GetStatusAsync(cancellationToken);
    }
}

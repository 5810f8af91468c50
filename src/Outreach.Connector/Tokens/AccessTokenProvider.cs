using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tokens;

/// <summary>
/// The token lifecycle of one Outreach connection: hands out the cached access token, refreshes it shortly before
/// it expires, rotates and persists the refresh token, and records when the connection needs re-authorization.
/// </summary>
/// <remarks>
/// <para>Where the tokens live: the store entry holds the newest refresh token <em>and</em> the newest access token
/// with its expiry, so every instance reuses the access token whoever minted it. Outreach mints at most one access
/// token per user and app per minute and a refresh token dies after 100 newer tokens, so one refresh per expiry for
/// the whole app, not one per instance, is the only sustainable rate.</para>
/// <para>Exactly one refresh at a time: a <see cref="SemaphoreSlim"/> serializes callers in this process (single-flight),
/// and the connection's <see cref="IConnectionLock"/> (a blob lease) serializes instances. After taking the lock the
/// store is read again, so a caller that waited reuses the token another instance just refreshed.</para>
/// <para>Rotation is crash-safe: the new refresh token is persisted <em>before</em> the new access token is handed
/// out, so a crash can only lose an access token, never the only valid refresh token. Once Outreach answered, the
/// save runs to completion even if the caller gave up (a cancelled save would drop the rotated token). If the save
/// fails, the tokens are kept in memory and saved under the next lock before anything else.</para>
/// <para>A refresh refused with 400 marks the connection NeedsReauthorization in the store (visible to every
/// instance and to status pages); callers then get <see cref="AccessTokenResult.NeedsReauthorization"/> without any
/// call to Outreach until a new authorization (<see cref="AcceptAuthorizationAsync"/>) clears it.</para>
/// </remarks>
public sealed class AccessTokenProvider : IAccessTokenProvider, IConnectionStatusSource, IDisposable
{
    private readonly ITokenStore _store;
    private readonly IConnectionLock _lock;
    private readonly IOutreachOAuthClient _oauth;
    private readonly TokenOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AccessTokenProvider> _logger;
    private readonly ConnectorMetrics? _metrics;
    private static readonly AccessTokenResult NoRefreshNeeded = new AccessTokenResult.Unavailable("No refresh needed.", null);

    private readonly SemaphoreSlim _gate = new(1, 1);

    // Written only while holding _gate; read without it (a reference read is atomic).
    private volatile CacheEntry? _cache;
    private volatile Backoff? _backoff;
    private UnsavedTokens? _unsaved;

    // The access token Outreach answered 401 to: never handed out again, even while a refresh is failing.
    private volatile string? _rejectedAccessToken;

    /// <summary>Creates the provider of one connection.</summary>
    public AccessTokenProvider(
        string connectionName,
        ITokenStore store,
        IConnectionLock connectionLock,
        IOutreachOAuthClient oauth,
        IOptions<TokenOptions> options,
        TimeProvider timeProvider,
        ILogger<AccessTokenProvider> logger,
        ConnectorMetrics? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        ConnectionName = connectionName;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _lock = connectionLock ?? throw new ArgumentNullException(nameof(connectionLock));
        _oauth = oauth ?? throw new ArgumentNullException(nameof(oauth));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _metrics = metrics;
    }

    /// <inheritdoc />
    public string ConnectionName { get; }

    /// <inheritdoc />
    public async ValueTask<AccessTokenResult> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (FromMemory(_time.GetUtcNow(), rejected: null) is { } fast)
        {
            return fast;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ObtainAsync(rejected: null, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<AccessTokenResult> RefreshAfterRejectionAsync(OutreachAccessToken rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        TokenLog.AccessTokenRejected(_logger, ConnectionName);
        _rejectedAccessToken = rejected.Value;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ObtainAsync(rejected, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Refreshes when the stored refresh token is older than <paramref name="maxAge"/>, so an idle connection never
    /// reaches the refresh token's 14-day end. Used by <see cref="ConnectionKeepAlive"/>.
    /// </summary>
    public async Task<KeepAliveResult> RefreshIfOlderThanAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            StoredConnection? stored;
            try
            {
                stored = await ReadAsync(cancellationToken);
            }
            catch (Exception ex) when (IsInfrastructureFailure(ex))
            {
                return new KeepAliveResult.Failed("The token store could not be read.", null);
            }

            if (KeepAliveVerdict(stored, maxAge) is { } early)
            {
                return early;
            }

            // Under the lock, another instance may have refreshed meanwhile: then there is nothing to do.
            var result = await UnderLockAsync(current => KeepAliveVerdict(current, maxAge) is null ? null : NoRefreshNeeded, cancellationToken);
            if (ReferenceEquals(result, NoRefreshNeeded))
            {
                return KeepAliveVerdict(_cache?.Stored, maxAge) ?? new KeepAliveResult.NotNeeded(_time.GetUtcNow());
            }

            return result switch
            {
                AccessTokenResult.Available => new KeepAliveResult.Refreshed(_cache?.Stored?.Tokens.RefreshTokenIssuedAt ?? _time.GetUtcNow()),
                AccessTokenResult.NeedsReauthorization n => new KeepAliveResult.NeedsReauthorization(n.Reason),
                AccessTokenResult.NotConnected => new KeepAliveResult.NotConnected(),
                AccessTokenResult.Unavailable u => new KeepAliveResult.Failed(u.Reason, u.RetryAt),
                AccessTokenResult.Refused r => new KeepAliveResult.Failed(r.Reason, null),
                _ => new KeepAliveResult.Failed("Unexpected result.", null),
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stores the tokens of a new authorization (code exchange): the connection becomes Connected, any
    /// NeedsReauthorization mark is cleared, and delivery resumes with the new access token.
    /// </summary>
    /// <param name="grant">What the token endpoint issued for the code.</param>
    /// <param name="requestedAt">When the code exchange was sent (the tokens' issue time on this clock).</param>
    /// <param name="cancellationToken">Cancels waiting for the lock; the save itself always completes.</param>
    /// <returns>True when stored; false when the lock stayed busy or the grant had no refresh token.</returns>
    public async Task<bool> AcceptAuthorizationAsync(TokenGrant grant, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant.RefreshToken is null)
        {
            TokenLog.AuthorizationWithoutRefreshToken(_logger, ConnectionName);
            return false;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var held = await _lock.TryAcquireAsync(ConnectionName, _options.LockWaitTimeout, cancellationToken);
            if (held is null)
            {
                return false;
            }

            var tokens = FromGrant(grant, requestedAt, previous: null) with
            {
                StatusReason = "authorized",
                StatusChangedAt = requestedAt,
            };

            // The new authorization wins over whatever is stored: read the version, write; retry once if an
            // in-flight writer slipped in between.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var current = await _store.GetAsync(ConnectionName, CancellationToken.None);
                var write = await _store.SaveAsync(ConnectionName, tokens, current?.Version, CancellationToken.None);
                if (write.Saved)
                {
                    _cache = new CacheEntry(new StoredConnection(tokens, write.Version!), _time.GetUtcNow());
                    _backoff = null;
                    _unsaved = null;
                    TokenLog.Authorized(_logger, ConnectionName, tokens.Scope ?? "");
                    return true;
                }
            }

            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<ConnectionStatusReport> GetStatusAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(ConnectionName, cancellationToken);
        if (stored is null)
        {
            return new ConnectionStatusReport(ConnectionName, ConnectionStatus.NotConnected, "No authorization stored.", null, null, null, null, null);
        }

        var t = stored.Tokens;
        return new ConnectionStatusReport(
            ConnectionName,
            t.Status,
            t.StatusReason,
            t.StatusChangedAt,
            t.RefreshTokenIssuedAt,
            t.RefreshTokenIssuedAt + _options.RefreshTokenLifetime,
            t.AccessTokenExpiresAt,
            t.Scope);
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    // Answers from memory: a cached usable token, a recent "not connected / needs re-authorization", or a backoff.
    private AccessTokenResult? FromMemory(DateTimeOffset now, OutreachAccessToken? rejected)
    {
        var cache = _cache;
        if (cache is not null)
        {
            if (Usable(cache.Stored, now, rejected) is { } token)
            {
                return new AccessTokenResult.Available(token);
            }

            if (now - cache.ReadAt < _options.StatusRecheckInterval && NotUsable(cache.Stored) is { } notUsable)
            {
                return notUsable;
            }
        }

        return _backoff is { } backoff && now < backoff.Until ? backoff.Result : null;
    }

    private async Task<AccessTokenResult> ObtainAsync(OutreachAccessToken? rejected, CancellationToken cancellationToken)
    {
        // Another caller may have finished the work while this one waited for the gate.
        if (FromMemory(_time.GetUtcNow(), rejected) is { } done)
        {
            return done;
        }

        try
        {
            // Usually another instance's fresh token is already in the store: no lock needed to read it.
            var stored = await ReadAsync(cancellationToken);
            if (Usable(stored, _time.GetUtcNow(), rejected) is { } token)
            {
                return new AccessTokenResult.Available(token);
            }

            if (NotUsable(stored) is { } notUsable && _unsaved is null)
            {
                return notUsable;
            }
        }
        catch (Exception ex) when (IsInfrastructureFailure(ex))
        {
            TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
            return Remember(new AccessTokenResult.Unavailable("The token store could not be read.", null), _options.RefreshRetryDelay);
        }

        var now = _time.GetUtcNow();
        return await UnderLockAsync(current => Usable(current, now, rejected) is { } fresh ? new AccessTokenResult.Available(fresh) : null, cancellationToken);
    }

    // Takes the distributed lock, re-reads the store and refreshes unless `settled` finds the work already done.
    private async Task<AccessTokenResult> UnderLockAsync(Func<StoredConnection?, AccessTokenResult?> settled, CancellationToken cancellationToken)
    {
        IConnectionLockHandle? held;
        try
        {
            held = await _lock.TryAcquireAsync(ConnectionName, _options.LockWaitTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsInfrastructureFailure(ex))
        {
            TokenLog.LockFailed(_logger, ConnectionName, ex.GetType().Name);
            return Remember(new AccessTokenResult.Unavailable("The refresh lock could not be taken.", null), _options.RefreshRetryDelay);
        }

        if (held is null)
        {
            return new AccessTokenResult.Unavailable("Another instance is refreshing the connection's tokens.", _time.GetUtcNow() + _options.LockRetryDelay);
        }

        await using (held)
        {
            StoredConnection? stored;
            try
            {
                stored = await ReadAsync(cancellationToken);
                stored = await SaveUnsavedAsync(stored);
            }
            catch (Exception ex) when (IsInfrastructureFailure(ex))
            {
                TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
                return Remember(new AccessTokenResult.Unavailable("The token store could not be read.", null), _options.RefreshRetryDelay);
            }

            // Whoever held the lock before may have refreshed already: reuse their token (exactly one refresh).
            if (settled(stored) is { } reuse)
            {
                return reuse;
            }

            if (stored is null || stored.Tokens.Status != ConnectionStatus.Connected)
            {
                return NotUsable(stored)!;
            }

            return await RefreshAsync(stored, held);
        }
    }

    private async Task<AccessTokenResult> RefreshAsync(StoredConnection stored, IConnectionLockHandle held)
    {
        var now = _time.GetUtcNow();
        var previous = stored.Tokens;
        if (previous.AccessTokenIssuedAt is { } minted && now < minted + _options.MintingInterval)
        {
            // Outreach would answer 429: one access token per user and app per minute.
            var until = minted + _options.MintingInterval;
            TokenLog.MintingWait(_logger, ConnectionName, until);
            return Remember(new AccessTokenResult.Unavailable("Outreach mints at most one access token per minute.", until), until - now);
        }

        TokenLog.Refreshing(_logger, ConnectionName);

        // Not cancellable: once Outreach rotates the refresh token, the answer must be read and persisted.
        var requestedAt = now;
        var result = await _oauth.RefreshAsync(previous.RefreshToken, CancellationToken.None);
        _metrics?.RecordTokenRefresh(result);
        now = _time.GetUtcNow();
        switch (result)
        {
            case TokenEndpointResult.Success success:
                return await PersistRefreshedAsync(stored, FromGrant(success.Grant, requestedAt, previous), held);

            case TokenEndpointResult.InvalidGrant invalid:
                var reason = $"{invalid.Error ?? "refused"} (HTTP {invalid.StatusCode})";
                TokenLog.NeedsReauthorization(_logger, ConnectionName, reason);
                var marked = previous.AsNeedingReauthorization(reason, now);
                try
                {
                    var write = await _store.SaveAsync(ConnectionName, marked, stored.Version, CancellationToken.None);
                    _cache = write.Saved
                        ? new CacheEntry(new StoredConnection(marked, write.Version!), now)
                        : new CacheEntry(await ReadAsync(CancellationToken.None), now);
                }
                catch (Exception ex) when (IsInfrastructureFailure(ex))
                {
                    TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
                    _cache = new CacheEntry(new StoredConnection(marked, stored.Version), now);
                }

                return NotUsable(_cache.Stored) ?? new AccessTokenResult.NeedsReauthorization(reason, now);

            case TokenEndpointResult.MintingLimited limited:
                TokenLog.MintingWait(_logger, ConnectionName, limited.RetryAt);
                return Remember(new AccessTokenResult.Unavailable("Outreach throttled token minting (429).", limited.RetryAt), limited.RetryAt - now);

            case TokenEndpointResult.Transient transient:
                var retryAt = transient.RetryAt is { } at && at > now + _options.RefreshRetryDelay ? at : now + _options.RefreshRetryDelay;
                return Remember(new AccessTokenResult.Unavailable($"Token refresh failed: {transient.Reason}", retryAt), retryAt - now);

            case TokenEndpointResult.ClientRejected rejected:
                var why = $"Outreach rejected the app's credentials or token URL ({rejected.Error ?? "no error code"}, HTTP {rejected.StatusCode}).";
                TokenLog.ClientRejected(_logger, ConnectionName, rejected.StatusCode);
                return Remember(new AccessTokenResult.Refused(why), _options.StatusRecheckInterval);

            default:
                throw new InvalidOperationException($"Unexpected token endpoint result {result.GetType().Name}.");
        }
    }

    private async Task<AccessTokenResult> PersistRefreshedAsync(StoredConnection stored, ConnectionTokens refreshed, IConnectionLockHandle held)
    {
        // Persist the rotated refresh token BEFORE anyone uses the new access token.
        try
        {
            if (!held.IsHeld)
            {
                TokenLog.LockLostBeforeSave(_logger, ConnectionName);
            }

            var write = await _store.SaveAsync(ConnectionName, refreshed, stored.Version, CancellationToken.None);
            if (write.Saved)
            {
                _cache = new CacheEntry(new StoredConnection(refreshed, write.Version!), _time.GetUtcNow());
                _backoff = null;
                TokenLog.Refreshed(_logger, ConnectionName, refreshed.AccessTokenExpiresAt!.Value);
                return new AccessTokenResult.Available(new OutreachAccessToken(refreshed.AccessToken!, refreshed.AccessTokenExpiresAt!.Value));
            }

            // Someone wrote despite the lock (a new authorization, or a lost lease): their entry wins.
            TokenLog.SaveConflict(_logger, ConnectionName);
            var current = await ReadAsync(CancellationToken.None);
            _cache = new CacheEntry(current, _time.GetUtcNow());
            return Usable(current, _time.GetUtcNow(), rejected: null) is { } token
                ? new AccessTokenResult.Available(token)
                : NotUsable(current) ?? new AccessTokenResult.Unavailable("The token store changed during the refresh.", null);
        }
        catch (Exception ex) when (IsInfrastructureFailure(ex))
        {
            // Keep the rotated tokens: the next caller saves them under the lock before doing anything else.
            TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
            _unsaved = new UnsavedTokens(refreshed, stored.Version);
            return Remember(new AccessTokenResult.Unavailable("The rotated refresh token could not be saved yet.", null), _options.RefreshRetryDelay);
        }
    }

    // Called under the lock: saves tokens whose save failed earlier, if the store has not moved on since.
    private async Task<StoredConnection?> SaveUnsavedAsync(StoredConnection? stored)
    {
        if (_unsaved is not { } unsaved)
        {
            return stored;
        }

        if (stored?.Version != unsaved.BaseVersion)
        {
            // Another instance wrote since: its entry is newer; the unsaved tokens are dropped.
            _unsaved = null;
            return stored;
        }

        var write = await _store.SaveAsync(ConnectionName, unsaved.Tokens, unsaved.BaseVersion, CancellationToken.None);
        _unsaved = null;
        if (!write.Saved)
        {
            return await ReadAsync(CancellationToken.None);
        }

        TokenLog.SavedLate(_logger, ConnectionName);
        var saved = new StoredConnection(unsaved.Tokens, write.Version!);
        _cache = new CacheEntry(saved, _time.GetUtcNow());
        _backoff = null;
        return saved;
    }

    private async Task<StoredConnection?> ReadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(ConnectionName, cancellationToken);
        _cache = new CacheEntry(stored, _time.GetUtcNow());
        return stored;
    }

    private AccessTokenResult Remember(AccessTokenResult result, TimeSpan duration)
    {
        _backoff = duration > TimeSpan.Zero ? new Backoff(result, _time.GetUtcNow() + duration) : null;
        return result;
    }

    private OutreachAccessToken? Usable(StoredConnection? stored, DateTimeOffset now, OutreachAccessToken? rejected)
    {
        if (stored?.Tokens is not { Status: ConnectionStatus.Connected, AccessToken: { } value, AccessTokenExpiresAt: { } expiresAt })
        {
            return null;
        }

        if (expiresAt - _options.AccessTokenRefreshSkew <= now)
        {
            return null;
        }

        var refused = (rejected is not null && string.Equals(rejected.Value, value, StringComparison.Ordinal))
            || string.Equals(_rejectedAccessToken, value, StringComparison.Ordinal);
        return refused ? null : new OutreachAccessToken(value, expiresAt);
    }

    private AccessTokenResult? NotUsable(StoredConnection? stored) => stored switch
    {
        null => new AccessTokenResult.NotConnected(ConnectionName),
        { Tokens.Status: ConnectionStatus.NeedsReauthorization } s =>
            new AccessTokenResult.NeedsReauthorization(s.Tokens.StatusReason ?? "Outreach refused the refresh token.", s.Tokens.StatusChangedAt),
        { Tokens.Status: not ConnectionStatus.Connected } => new AccessTokenResult.NotConnected(ConnectionName),
        _ => null,
    };

    private KeepAliveResult? KeepAliveVerdict(StoredConnection? stored, TimeSpan maxAge) => stored switch
    {
        null => new KeepAliveResult.NotConnected(),
        { Tokens.Status: ConnectionStatus.NeedsReauthorization } s => new KeepAliveResult.NeedsReauthorization(s.Tokens.StatusReason ?? "Outreach refused the refresh token."),
        { Tokens.Status: not ConnectionStatus.Connected } => new KeepAliveResult.NotConnected(),
        var s when _time.GetUtcNow() - s.Tokens.RefreshTokenIssuedAt < maxAge => new KeepAliveResult.NotNeeded(s.Tokens.RefreshTokenIssuedAt),
        _ => null,
    };

    // Times are taken on this clock at the request (never later than Outreach's created_at), so expiries err early.
    private static ConnectionTokens FromGrant(TokenGrant grant, DateTimeOffset requestedAt, ConnectionTokens? previous)
    {
        var issuedAt = grant.CreatedAt is { } created && created < requestedAt ? created : requestedAt;
        return new ConnectionTokens(
            ConnectionStatus.Connected,
            grant.RefreshToken ?? previous?.RefreshToken ?? throw new InvalidOperationException("The token grant carries no refresh token."),
            grant.RefreshToken is null && previous is not null ? previous.RefreshTokenIssuedAt : issuedAt,
            grant.AccessToken,
            requestedAt,
            requestedAt + grant.ExpiresIn,
            grant.Scope ?? previous?.Scope)
        {
            StatusReason = previous?.StatusReason,
            StatusChangedAt = previous?.StatusChangedAt,
        };
    }

    // Failures of the store, the lock or the credential behind them: reported as Unavailable, retried later.
    // Anything else is a bug and propagates.
    private static bool IsInfrastructureFailure(Exception ex) => ex
        is Azure.RequestFailedException
        or Azure.Identity.AuthenticationFailedException
        or IOException
        or UnauthorizedAccessException
        or HttpRequestException
        or TimeoutException
        or System.Text.Json.JsonException;

    private sealed record CacheEntry(StoredConnection? Stored, DateTimeOffset ReadAt);

    private sealed record Backoff(AccessTokenResult Result, DateTimeOffset Until);

    private sealed record UnsavedTokens(ConnectionTokens Tokens, string? BaseVersion);
}

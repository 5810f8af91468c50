using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tokens;

/// <summary>
/// Refreshes one connection's tokens exactly once at a time across threads and instances, persisting the rotated
/// refresh token before anyone uses the new access token. Reads and writes go through the connection's
/// <see cref="TokenStoreEntry"/>.
/// </summary>
/// <remarks>
/// <para>Where the tokens live: the store entry holds the newest refresh token <em>and</em> the newest access token
/// with its expiry, so every instance reuses the access token whoever minted it. Outreach mints at most one access
/// token per user and app per minute and a refresh token dies after 100 newer tokens, so one refresh per expiry for
/// the whole app, not one per instance, is the only sustainable rate (see docs/reference/outreach-api.md, OAuth).</para>
/// <para>Exactly one refresh at a time: a <see cref="SemaphoreSlim"/> serializes callers in this process (single-flight),
/// and the connection's <see cref="IConnectionLock"/> (a blob lease) serializes instances. After taking the lock the
/// store is read again, so a caller that waited reuses the token another instance just refreshed.</para>
/// <para>Rotation is crash-safe: once Outreach answered, the save runs to completion even if the caller gave up (a
/// cancelled save would drop the rotated token). If the save fails, the tokens are kept in memory and saved under the
/// next lock before anything else.</para>
/// <para>A refresh refused with 400 (or a 401 to a freshly refreshed token) marks the connection NeedsReauthorization
/// in the store, which every instance's <see cref="ConnectionState"/> sees within one poll interval.</para>
/// <para>Every read and write is handed to this process's <see cref="ConnectionState"/> (by the
/// <see cref="TokenStoreEntry"/>), so delivery, health and the status page follow the store without a second source
/// of truth.</para>
/// </remarks>
public sealed class TokenRefresher : IDisposable
{
    private readonly TokenStoreEntry _entry;
    private readonly IConnectionLock _lock;
    private readonly IOutreachOAuthClient _oauth;
    private readonly ILogger<TokenRefresher> _logger;
    private readonly ConnectorMetrics? _metrics;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the refresher of the connection whose store entry is <paramref name="entry"/>.</summary>
    public TokenRefresher(
        TokenStoreEntry entry,
        IConnectionLock connectionLock,
        IOutreachOAuthClient oauth,
        IOptions<TokenOptions> options,
        TimeProvider timeProvider,
        ILogger<TokenRefresher> logger,
        ConnectorMetrics? metrics = null)
    {
        _entry = entry ?? throw new ArgumentNullException(nameof(entry));
        _lock = connectionLock ?? throw new ArgumentNullException(nameof(connectionLock));
        _oauth = oauth ?? throw new ArgumentNullException(nameof(oauth));
        Options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
        Time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _metrics = metrics;
    }

    /// <summary>The connection's name (e.g. <c>default</c>).</summary>
    public string ConnectionName => _entry.ConnectionName;

    internal TokenOptions Options { get; }

    internal TimeProvider Time { get; }

    internal TokenCache Cache => _entry.Cache;

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <summary>Runs <paramref name="work"/> as the only token work in this process (single-flight).</summary>
    internal async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the store; the cache and the connection state follow what was read.</summary>
    internal Task<StoredConnection?> ReadAsync(CancellationToken cancellationToken) => _entry.ReadAsync(cancellationToken);

    /// <summary>
    /// Takes the distributed lock, re-reads the store and refreshes unless <paramref name="settled"/> finds the work
    /// already done (another instance refreshed while this one waited). Call inside <see cref="ExclusiveAsync"/>.
    /// </summary>
    internal async Task<AccessTokenOutcome> RefreshUnlessSettledAsync(Func<StoredConnection?, AccessTokenOutcome?> settled, CancellationToken cancellationToken)
    {
        IConnectionLockHandle? held;
        try
        {
            held = await _lock.TryAcquireAsync(ConnectionName, Options.LockWaitTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsInfrastructureFailure(ex))
        {
            TokenLog.LockFailed(_logger, ConnectionName, ex.GetType().Name);
            return Cache.Remember(new AccessTokenOutcome.Unavailable("The refresh lock could not be taken.", null), Options.RefreshRetryDelay);
        }

        if (held is null)
        {
            return new AccessTokenOutcome.Unavailable("Another instance is refreshing the connection's tokens.", Time.GetUtcNow() + Options.LockRetryDelay);
        }

        await using (held)
        {
            StoredConnection? stored;
            try
            {
                stored = await ReadAsync(cancellationToken);
                stored = await _entry.SaveUnsavedAsync(stored);
            }
            catch (Exception ex) when (IsInfrastructureFailure(ex))
            {
                TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
                return Cache.Remember(new AccessTokenOutcome.Unavailable("The token store could not be read.", null), Options.RefreshRetryDelay);
            }

            // Whoever held the lock before may have refreshed already: reuse their token (exactly one refresh).
            if (settled(stored) is { } reuse)
            {
                return reuse;
            }

            if (stored is null || stored.Tokens.Status != ConnectionStatus.Connected)
            {
                return TokenCache.NotUsable(stored, ConnectionName)!;
            }

            return await RefreshAsync(stored, held);
        }
    }

    /// <summary>
    /// Writes a new authorization's tokens over whatever is stored, under the lock. Call inside <see cref="ExclusiveAsync"/>.
    /// </summary>
    /// <returns>True when stored; false when the lock stayed busy or writers kept slipping in between.</returns>
    internal async Task<bool> ReplaceAsync(ConnectionTokens tokens, CancellationToken cancellationToken)
    {
        await using var held = await _lock.TryAcquireAsync(ConnectionName, Options.LockWaitTimeout, cancellationToken);
        if (held is null)
        {
            return false;
        }

        // The new authorization wins over whatever is stored: read the version, write; retry once if an in-flight
        // writer slipped in between.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var current = await _entry.PeekAsync();
            var write = await _entry.WriteAsync(tokens, current?.Version);
            if (write.Saved)
            {
                Cache.Unsaved = null;
                _entry.RecordSaved(tokens, write.Version!);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Outreach answered 401 to <paramref name="rejected"/> although it was freshly refreshed: marks the connection
    /// NeedsReauthorization in the store (unless the store moved on to another token meanwhile), so every instance stops.
    /// Call inside <see cref="ExclusiveAsync"/>.
    /// </summary>
    internal async Task<AccessTokenOutcome> MarkRejectedAsync(OutreachAccessToken rejected, string reason, CancellationToken cancellationToken)
    {
        Cache.Reject(rejected);
        StoredConnection? stored;
        try
        {
            stored = await ReadAsync(cancellationToken);
        }
        catch (Exception ex) when (IsInfrastructureFailure(ex))
        {
            TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
            return new AccessTokenOutcome.NeedsReauthorization(reason, Time.GetUtcNow());
        }

        if (stored?.Tokens is not { Status: ConnectionStatus.Connected } tokens
            || !string.Equals(tokens.AccessToken, rejected.Value, StringComparison.Ordinal))
        {
            // Already marked, or another instance holds a newer token: the store's answer stands.
            return TokenCache.NotUsable(stored, ConnectionName) ?? new AccessTokenOutcome.Unavailable("The connection's access token changed meanwhile.", null);
        }

        return await MarkNeedsReauthorizationAsync(stored, reason);
    }

    private async Task<AccessTokenOutcome> RefreshAsync(StoredConnection stored, IConnectionLockHandle held)
    {
        var now = Time.GetUtcNow();
        var previous = stored.Tokens;
        if (previous.AccessTokenIssuedAt is { } minted && now < minted + Options.MintingInterval)
        {
            // Outreach would answer 429: one access token per user and app per minute.
            var until = minted + Options.MintingInterval;
            TokenLog.MintingWait(_logger, ConnectionName, until);
            return Cache.Remember(new AccessTokenOutcome.Unavailable("Outreach mints at most one access token per minute.", until), until - now);
        }

        TokenLog.Refreshing(_logger, ConnectionName);

        // Not cancellable: once Outreach rotates the refresh token, the answer must be read and persisted.
        var requestedAt = now;
        var result = await _oauth.RefreshAsync(previous.RefreshToken, CancellationToken.None);
        _metrics?.RecordTokenRefresh(result);
        now = Time.GetUtcNow();
        switch (result)
        {
            case TokenEndpointOutcome.Success success:
                return await PersistRefreshedAsync(stored, FromGrant(success.Grant, requestedAt, previous), held);

            case TokenEndpointOutcome.InvalidGrant invalid:
                return await MarkNeedsReauthorizationAsync(stored, $"{invalid.Error ?? "refused"} (HTTP {invalid.StatusCode})");

            case TokenEndpointOutcome.MintingLimited limited:
                TokenLog.MintingWait(_logger, ConnectionName, limited.RetryAt);
                return Cache.Remember(new AccessTokenOutcome.Unavailable("Outreach throttled token minting (429).", limited.RetryAt), limited.RetryAt - now);

            case TokenEndpointOutcome.Transient transient:
                var retryAt = transient.RetryAt is { } at && at > now + Options.RefreshRetryDelay ? at : now + Options.RefreshRetryDelay;
                return Cache.Remember(new AccessTokenOutcome.Unavailable($"Token refresh failed: {transient.Reason}", retryAt), retryAt - now);

            case TokenEndpointOutcome.ClientRejected rejected:
                var why = $"Outreach rejected the app's credentials or token URL ({rejected.Error ?? "no error code"}, HTTP {rejected.StatusCode}).";
                TokenLog.ClientRejected(_logger, ConnectionName, rejected.StatusCode);
                return Cache.Remember(new AccessTokenOutcome.Refused(why), Options.StatusRecheckInterval);

            default:
                throw new InvalidOperationException($"Unexpected token endpoint result {result.GetType().Name}.");
        }
    }

    // Persists "needs re-authorization" so every instance stops; the entry keeps its refresh token for the record.
    private async Task<AccessTokenOutcome> MarkNeedsReauthorizationAsync(StoredConnection stored, string reason)
    {
        var now = Time.GetUtcNow();
        TokenLog.NeedsReauthorization(_logger, ConnectionName, reason);
        var marked = stored.Tokens.AsNeedingReauthorization(reason, now);
        StoredConnection? current;
        try
        {
            var write = await _entry.WriteAsync(marked, stored.Version);
            current = write.Saved ? new StoredConnection(marked, write.Version!) : await _entry.PeekAsync();
        }
        catch (Exception ex) when (IsInfrastructureFailure(ex))
        {
            TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
            current = new StoredConnection(marked, stored.Version);
        }

        _entry.Remember(current);
        return TokenCache.NotUsable(current, ConnectionName) ?? new AccessTokenOutcome.NeedsReauthorization(reason, now);
    }

    private async Task<AccessTokenOutcome> PersistRefreshedAsync(StoredConnection stored, ConnectionTokens refreshed, IConnectionLockHandle held)
    {
        // Persist the rotated refresh token BEFORE anyone uses the new access token.
        try
        {
            if (!held.IsHeld)
            {
                TokenLog.LockLostBeforeSave(_logger, ConnectionName);
            }

            var write = await _entry.WriteAsync(refreshed, stored.Version);
            if (write.Saved)
            {
                _entry.RecordSaved(refreshed, write.Version!);
                TokenLog.Refreshed(_logger, ConnectionName, refreshed.AccessTokenExpiresAt!.Value);
                return new AccessTokenOutcome.Available(new OutreachAccessToken(refreshed.AccessToken!, refreshed.AccessTokenExpiresAt!.Value));
            }

            // Someone wrote despite the lock (a new authorization, or a lost lease): their entry wins.
            TokenLog.SaveConflict(_logger, ConnectionName);
            var current = await ReadAsync(CancellationToken.None);
            return Cache.Usable(current, rejected: null) is { } token
                ? new AccessTokenOutcome.Available(token)
                : TokenCache.NotUsable(current, ConnectionName) ?? new AccessTokenOutcome.Unavailable("The token store changed during the refresh.", null);
        }
        catch (Exception ex) when (IsInfrastructureFailure(ex))
        {
            // Keep the rotated tokens: the next caller saves them under the lock before doing anything else.
            TokenLog.StoreFailed(_logger, ConnectionName, ex.GetType().Name);
            Cache.Unsaved = new TokenCache.UnsavedTokens(refreshed, stored.Version);
            return Cache.Remember(new AccessTokenOutcome.Unavailable("The rotated refresh token could not be saved yet.", null), Options.RefreshRetryDelay);
        }
    }

    /// <summary>
    /// The stored form of what the token endpoint issued. Times are taken on this clock at the request (never later
    /// than Outreach's created_at), so expiries err early.
    /// </summary>
    internal static ConnectionTokens FromGrant(TokenGrant grant, DateTimeOffset requestedAt, ConnectionTokens? previous)
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

    /// <summary>
    /// Failures of the store, the lock or the credential behind them: reported as Unavailable, retried later.
    /// Anything else is a bug and propagates.
    /// </summary>
    internal static bool IsInfrastructureFailure(Exception ex) => ex
        is Azure.RequestFailedException
        or Azure.Identity.AuthenticationFailedException
        or IOException
        or UnauthorizedAccessException
        or HttpRequestException
        or TimeoutException
        or System.Text.Json.JsonException;
}

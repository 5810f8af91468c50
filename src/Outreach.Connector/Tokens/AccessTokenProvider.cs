using Microsoft.Extensions.Logging;

namespace Outreach.Connector.Tokens;

/// <summary>
/// Hands out one connection's access token: from memory while it is fresh, else from the shared store, refreshing it
/// (through <see cref="TokenRefresher"/>) shortly before it expires or after Outreach answered 401.
/// </summary>
/// <remarks>
/// Callers get <see cref="AccessTokenOutcome.NeedsReauthorization"/> without any call to Outreach while the store says
/// the connection needs re-authorization, and the store is re-read at least every
/// <see cref="TokenOptions.ConnectionPollInterval"/>, so no instance keeps sending after another one learned that
/// Outreach revoked the connection.
/// </remarks>
public sealed class AccessTokenProvider(TokenRefresher refresher, ILogger<AccessTokenProvider> logger) : IAccessTokenProvider
{
    /// <inheritdoc />
    public string ConnectionName => refresher.ConnectionName;

    /// <inheritdoc />
    public async ValueTask<AccessTokenOutcome> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (refresher.Cache.FromMemory(rejected: null) is { } fast)
        {
            return fast;
        }

        return await refresher.ExclusiveAsync(() => ObtainAsync(rejected: null, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<AccessTokenOutcome> RefreshAfterRejectionAsync(OutreachAccessToken rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        TokenLog.AccessTokenRejected(logger, ConnectionName);
        refresher.Cache.Reject(rejected);
        return await refresher.ExclusiveAsync(() => ObtainAsync(rejected, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<AccessTokenOutcome> RejectedAfterRefreshAsync(OutreachAccessToken rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return await refresher.ExclusiveAsync(
            () => refresher.MarkRejectedAsync(rejected, "Outreach answered 401 to a freshly refreshed access token.", cancellationToken),
            cancellationToken);
    }

    private async Task<AccessTokenOutcome> ObtainAsync(OutreachAccessToken? rejected, CancellationToken cancellationToken)
    {
        var cache = refresher.Cache;

        // Another caller may have finished the work while this one waited for the gate.
        if (cache.FromMemory(rejected) is { } done)
        {
            return done;
        }

        try
        {
            // Usually the token (this instance's or another's) is still in the store: no lock needed to read it.
            var stored = await refresher.ReadAsync(cancellationToken);
            if (cache.Usable(stored, rejected) is { } token)
            {
                return new AccessTokenOutcome.Available(token);
            }

            if (TokenCache.NotUsable(stored, ConnectionName) is { } notUsable && cache.Unsaved is null)
            {
                return notUsable;
            }
        }
        catch (Exception ex) when (TokenRefresher.IsInfrastructureFailure(ex))
        {
            TokenLog.StoreFailed(logger, ConnectionName, ex.GetType().Name);
            if (cache.Usable(cache.Entry?.Stored, rejected) is { } stillGood)
            {
                // Only the periodic re-read failed: the token in memory is still good; read again after one interval.
                cache.Touch();
                return new AccessTokenOutcome.Available(stillGood);
            }

            return cache.Remember(new AccessTokenOutcome.Unavailable("The token store could not be read.", null), refresher.Options.RefreshRetryDelay);
        }

        return await refresher.RefreshUnlessSettledAsync(
            current => cache.Usable(current, rejected) is { } fresh ? new AccessTokenOutcome.Available(fresh) : null,
            cancellationToken);
    }
}

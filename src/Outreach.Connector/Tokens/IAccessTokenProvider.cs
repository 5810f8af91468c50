namespace Outreach.Connector.Tokens;

/// <summary>Hands out the current access token of one Outreach connection, refreshing it when needed.</summary>
public interface IAccessTokenProvider
{
    /// <summary>The connection's name (e.g. <c>default</c>).</summary>
    string ConnectionName { get; }

    /// <summary>A usable access token, from memory when possible; refreshes (once, across instances) when it is about to expire.</summary>
    ValueTask<AccessTokenOutcome> GetAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Outreach answered 401 to <paramref name="rejected"/>: returns a different token, refreshing unless another caller
    /// or instance already did. Callers retry at most once with the result.
    /// </summary>
    ValueTask<AccessTokenOutcome> RefreshAfterRejectionAsync(OutreachAccessToken rejected, CancellationToken cancellationToken);

    /// <summary>
    /// Outreach answered 401 even to the token <see cref="RefreshAfterRejectionAsync"/> returned: marks the connection
    /// as needing re-authorization for every instance (unless the store already moved on) and says what it holds now.
    /// </summary>
    ValueTask<AccessTokenOutcome> RejectedAfterRefreshAsync(OutreachAccessToken rejected, CancellationToken cancellationToken);
}

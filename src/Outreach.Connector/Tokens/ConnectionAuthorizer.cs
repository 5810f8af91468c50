using Microsoft.Extensions.Logging;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tokens;

/// <summary>
/// Stores the tokens of a new authorization (the OAuth callback's code exchange): the connection becomes Connected,
/// any NeedsReauthorization mark is cleared, and every instance resumes delivery once its connection state sees it.
/// </summary>
public sealed class ConnectionAuthorizer(TokenRefresher refresher, ILogger<ConnectionAuthorizer> logger)
{
    /// <summary>The connection's name (e.g. <c>default</c>).</summary>
    public string ConnectionName => refresher.ConnectionName;

    /// <summary>Stores what the token endpoint issued for the code, over whatever the store holds.</summary>
    /// <param name="grant">What the token endpoint issued for the code.</param>
    /// <param name="requestedAt">When the code exchange was sent (the tokens' issue time on this clock).</param>
    /// <param name="cancellationToken">Cancels waiting for the lock; the save itself always completes.</param>
    /// <returns>True when stored; false when the lock stayed busy or the grant had no refresh token.</returns>
    public async Task<bool> AcceptAuthorizationAsync(TokenGrant grant, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant.RefreshToken is null)
        {
            TokenLog.AuthorizationWithoutRefreshToken(logger, ConnectionName);
            return false;
        }

        var tokens = TokenRefresher.FromGrant(grant, requestedAt, previous: null) with
        {
            StatusReason = "authorized",
            StatusChangedAt = requestedAt,
        };
        var stored = await refresher.ExclusiveAsync(() => refresher.ReplaceAsync(tokens, cancellationToken), cancellationToken);
        if (stored)
        {
            TokenLog.Authorized(logger, ConnectionName, tokens.Scope ?? "");
        }

        return stored;
    }
}

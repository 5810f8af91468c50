namespace Outreach.Connector.Outreach;

/// <summary>Talks to Outreach's OAuth server: builds the authorization URL, exchanges codes and refreshes tokens.</summary>
public interface IOutreachOAuthClient
{
    /// <summary>The URL to send a person to, carrying <paramref name="state"/> back to the callback.</summary>
    Uri BuildAuthorizationUrl(string state);

    /// <summary>Exchanges an authorization code for tokens (<c>grant_type=authorization_code</c>).</summary>
    Task<TokenEndpointOutcome> ExchangeCodeAsync(string code, CancellationToken cancellationToken);

    /// <summary>Trades a refresh token for a new access token and a new (rotated) refresh token.</summary>
    Task<TokenEndpointOutcome> RefreshAsync(string refreshToken, CancellationToken cancellationToken);
}

namespace Outreach.Sandbox.Configuration;

/// <summary>OAuth token rules (docs/reference/outreach-api.md §1); every number is configurable so tests can shrink them.</summary>
public sealed class OAuthOptions
{
    /// <summary>Lifetime of an access token, reported as <c>expires_in</c> (Outreach: 2 hours).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long an authorization code can be exchanged.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A refresh token expires this long after it was created (Outreach: 14 days).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// A refresh token expires once this many newer tokens were issued for the same user and app (Outreach: 100).
    /// 0 disables the rule.
    /// </summary>
    public int RefreshTokenMaxNewerTokens { get; set; } = 100;

    /// <summary>At most one new access token per user per app in this interval (Outreach: 60 s); zero disables it.</summary>
    public TimeSpan MintingInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether a refresh token stays usable after it was rotated away (until its lifetime or newer-token limit).
    /// UNCONFIRMED for Outreach; true follows the reference's reading. False makes refresh tokens single-use.
    /// </summary>
    public bool RotatedRefreshTokensStayValid { get; set; } = true;

    /// <summary>Status of an <c>invalid_client</c> answer: 400 (default) or 401 (RFC 6749 with HTTP Basic; Doorkeeper).</summary>
    public int InvalidClientStatusCode { get; set; } = 400;
}

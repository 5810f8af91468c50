namespace Outreach.Connector.Tokens;

/// <summary>What one keep-alive check did.</summary>
public abstract record KeepAliveOutcome
{
    private KeepAliveOutcome()
    {
    }

    /// <summary>The refresh token is young enough (issued at <paramref name="RefreshTokenIssuedAt"/>): nothing was sent.</summary>
    public sealed record NotNeeded(DateTimeOffset RefreshTokenIssuedAt) : KeepAliveOutcome;

    /// <summary>The tokens were refreshed; the new refresh token was issued at <paramref name="RefreshTokenIssuedAt"/>.</summary>
    public sealed record Refreshed(DateTimeOffset RefreshTokenIssuedAt) : KeepAliveOutcome;

    /// <summary>Nobody authorized the connection yet.</summary>
    public sealed record NotConnected : KeepAliveOutcome;

    /// <summary>Outreach refused the refresh token: a person must authorize again.</summary>
    public sealed record NeedsReauthorization(string Reason) : KeepAliveOutcome;

    /// <summary>The refresh could not be done now (token endpoint, store or lock failure); try again on the next tick.</summary>
    public sealed record Failed(string Reason, DateTimeOffset? RetryAt) : KeepAliveOutcome;
}

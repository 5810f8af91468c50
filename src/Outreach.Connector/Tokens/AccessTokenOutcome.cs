namespace Outreach.Connector.Tokens;

/// <summary>The closed set of answers to "give me an access token for this connection".</summary>
public abstract record AccessTokenOutcome
{
    private AccessTokenOutcome()
    {
    }

    /// <summary>A token to send as the bearer.</summary>
    public sealed record Available(OutreachAccessToken Token) : AccessTokenOutcome;

    /// <summary>Nobody has authorized the connection yet: send a person through Connect.</summary>
    public sealed record NotConnected(string ConnectionName) : AccessTokenOutcome;

    /// <summary>Outreach refused the refresh token (revoked or expired): a person must authorize again.</summary>
    public sealed record NeedsReauthorization(string Reason, DateTimeOffset? Since) : AccessTokenOutcome;

    /// <summary>
    /// No token right now, but later may work: the token endpoint failed or is throttling minting (at most one access
    /// token per minute), the store or the lock is unreachable. Do not call Outreach before <paramref name="RetryAt"/>.
    /// </summary>
    public sealed record Unavailable(string Reason, DateTimeOffset? RetryAt) : AccessTokenOutcome;

    /// <summary>
    /// Outreach refused the app itself (wrong client id or secret, or token URL): an operator must fix the configuration.
    /// Not persisted as NeedsReauthorization, because a new authorization would not help.
    /// </summary>
    public sealed record Refused(string Reason) : AccessTokenOutcome;
}

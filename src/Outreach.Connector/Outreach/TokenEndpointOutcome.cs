namespace Outreach.Connector.Outreach;

/// <summary>The closed set of results of one request to Outreach's token endpoint (code exchange or refresh).</summary>
public abstract record TokenEndpointOutcome
{
    private TokenEndpointOutcome()
    {
    }

    /// <summary>Tokens were issued.</summary>
    public sealed record Success(TokenGrant Grant) : TokenEndpointOutcome;

    /// <summary>
    /// 400: the code or refresh token is invalid, expired or revoked (Outreach answers 400; the body is likely an RFC 6749
    /// <c>invalid_grant</c>, UNCONFIRMED). For a refresh this means the connection needs re-authorization.
    /// </summary>
    public sealed record InvalidGrant(int StatusCode, string? Error) : TokenEndpointOutcome;

    /// <summary>429: Outreach mints at most one access token per user and app per minute. Try again at <paramref name="RetryAt"/>.</summary>
    public sealed record MintingLimited(DateTimeOffset RetryAt) : TokenEndpointOutcome;

    /// <summary>5xx, 408, a timeout, a network failure or an unreadable success body: may work later.</summary>
    public sealed record Transient(int? StatusCode, string Reason, DateTimeOffset? RetryAt) : TokenEndpointOutcome;

    /// <summary>
    /// Outreach refused the app itself (401, <c>invalid_client</c>, 403/404 on the token URL): the client id, secret or
    /// token URL is wrong. A new authorization would not help; an operator must fix the configuration.
    /// </summary>
    public sealed record ClientRejected(int StatusCode, string? Error) : TokenEndpointOutcome;
}

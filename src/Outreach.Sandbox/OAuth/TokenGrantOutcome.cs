namespace Outreach.Sandbox.OAuth;

/// <summary>The outcome of a token request: issued tokens, an OAuth error, or the minting limit.</summary>
internal sealed record TokenGrantOutcome
{
    public TokenResponse? Issued { get; private init; }

    /// <summary>The user the tokens were issued to (for the request log).</summary>
    public string? UserEmail { get; private init; }

    public OAuthErrorResponse? Error { get; private init; }

    /// <summary>Set when the minting limit refused the request: the time a new token may be minted.</summary>
    public DateTimeOffset? MintingRetryAt { get; private init; }

    public static TokenGrantOutcome Success(TokenResponse response, string userEmail) => new() { Issued = response, UserEmail = userEmail };

    public static TokenGrantOutcome InvalidGrant(string description) => new() { Error = new OAuthErrorResponse("invalid_grant", description) };

    public static TokenGrantOutcome MintingLimited(DateTimeOffset retryAt) => new() { MintingRetryAt = retryAt };
}

namespace Outreach.Connector.Tokens;

/// <summary>
/// Everything the token store keeps for one Outreach connection: the newest refresh token, the shared access token,
/// and the metadata the lifecycle needs. <see cref="ToString"/> redacts both tokens.
/// </summary>
/// <remarks>
/// The access token is kept next to the refresh token so every instance reuses the one minted last: Outreach mints at
/// most one access token per user and app per minute and counts every issued pair towards the 100-token limit of a
/// refresh token, so instances that each refreshed for themselves would hit 429s and age the connection.
/// </remarks>
/// <param name="Status">Connected, or NeedsReauthorization after Outreach refused the refresh token.</param>
/// <param name="RefreshToken">The newest refresh token Outreach issued. Never log it.</param>
/// <param name="RefreshTokenIssuedAt">When that refresh token was issued; it dies 14 days later, so keep-alive refreshes before.</param>
/// <param name="AccessToken">The newest access token, or null when none is usable. Never log it.</param>
/// <param name="AccessTokenIssuedAt">When the access token was minted (Outreach mints at most one per minute).</param>
/// <param name="AccessTokenExpiresAt">When the access token expires.</param>
/// <param name="Scope">The scopes Outreach granted, separated by spaces.</param>
public sealed record ConnectionTokens(
    ConnectionStatus Status,
    string RefreshToken,
    DateTimeOffset RefreshTokenIssuedAt,
    string? AccessToken,
    DateTimeOffset? AccessTokenIssuedAt,
    DateTimeOffset? AccessTokenExpiresAt,
    string? Scope)
{
    /// <summary>Why the status is what it is (e.g. <c>invalid_grant (HTTP 400)</c>); no secrets.</summary>
    public string? StatusReason { get; init; }

    /// <summary>When the status last changed.</summary>
    public DateTimeOffset? StatusChangedAt { get; init; }

    /// <summary>The same connection, refused by Outreach: no usable access token, status NeedsReauthorization.</summary>
    public ConnectionTokens AsNeedingReauthorization(string reason, DateTimeOffset at) =>
        this with
        {
            Status = ConnectionStatus.NeedsReauthorization,
            AccessToken = null,
            AccessTokenExpiresAt = null,
            StatusReason = reason,
            StatusChangedAt = at,
        };

    /// <inheritdoc />
    public override string ToString() =>
        $"ConnectionTokens {{ Status = {Status}, RefreshToken = ***, RefreshTokenIssuedAt = {RefreshTokenIssuedAt:O}, " +
        $"AccessToken = {(AccessToken is null ? "null" : "***")}, AccessTokenExpiresAt = {AccessTokenExpiresAt:O}, Scope = {Scope} }}";
}

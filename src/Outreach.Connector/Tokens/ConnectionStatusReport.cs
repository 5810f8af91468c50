namespace Outreach.Connector.Tokens;

/// <summary>What health and status pages show about an Outreach connection. Holds no secrets.</summary>
/// <param name="ConnectionName">The connection's name.</param>
/// <param name="Status">NotConnected, Connected or NeedsReauthorization.</param>
/// <param name="Reason">Why (e.g. <c>invalid_grant (HTTP 400)</c>), when known.</param>
/// <param name="StatusChangedAt">When the status last changed, when known.</param>
/// <param name="RefreshTokenIssuedAt">When the current refresh token was issued.</param>
/// <param name="RefreshTokenExpiresAt">When the current refresh token dies if it is not rotated (issue time plus its lifetime).</param>
/// <param name="AccessTokenExpiresAt">When the shared access token expires.</param>
/// <param name="Scope">The granted scopes.</param>
public sealed record ConnectionStatusReport(
    string ConnectionName,
    ConnectionStatus Status,
    string? Reason,
    DateTimeOffset? StatusChangedAt,
    DateTimeOffset? RefreshTokenIssuedAt,
    DateTimeOffset? RefreshTokenExpiresAt,
    DateTimeOffset? AccessTokenExpiresAt,
    string? Scope)
{
    /// <summary>True when delivery must pause until a person authorizes the app (again).</summary>
    public bool NeedsAuthorization => Status != ConnectionStatus.Connected;
}

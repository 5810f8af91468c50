namespace Outreach.Connector.Outreach;

/// <summary>What Outreach's token endpoint issued. <see cref="ToString"/> redacts both tokens.</summary>
/// <param name="AccessToken">The new access token. Never log it.</param>
/// <param name="RefreshToken">The new (rotated) refresh token; null if Outreach sent none, in which case the old one stays.</param>
/// <param name="ExpiresIn">The access token's lifetime (<c>expires_in</c>; 2 hours today, never hard-coded).</param>
/// <param name="Scope">The granted scopes (<c>scope</c>), separated by spaces.</param>
/// <param name="CreatedAt">Outreach's <c>created_at</c> (Unix seconds, UNCONFIRMED unit), when present and readable.</param>
/// <param name="TokenType">The <c>token_type</c>, normally <c>bearer</c>.</param>
public sealed record TokenGrant(string AccessToken, string? RefreshToken, TimeSpan ExpiresIn, string? Scope, DateTimeOffset? CreatedAt, string? TokenType)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"TokenGrant {{ AccessToken = ***, RefreshToken = {(RefreshToken is null ? "null" : "***")}, ExpiresIn = {ExpiresIn}, Scope = {Scope}, CreatedAt = {CreatedAt:O} }}";
}

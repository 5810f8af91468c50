namespace Outreach.Sandbox.OAuth;

/// <summary>An issued access token and what it grants.</summary>
internal sealed class AccessTokenRecord(string userEmail, string clientId, IReadOnlySet<string> scopes, DateTimeOffset expiresAt)
{
    public string UserEmail { get; } = userEmail;

    public string ClientId { get; } = clientId;

    public IReadOnlySet<string> Scopes { get; } = scopes;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public bool Revoked { get; set; }
}

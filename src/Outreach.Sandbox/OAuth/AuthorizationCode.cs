namespace Outreach.Sandbox.OAuth;

/// <summary>An issued authorization code: single-use, short-lived, bound to its client and redirect URI.</summary>
internal sealed class AuthorizationCode(string userEmail, string clientId, string redirectUri, string scope, DateTimeOffset expiresAt)
{
    public string UserEmail { get; } = userEmail;

    public string ClientId { get; } = clientId;

    public string RedirectUri { get; } = redirectUri;

    public string Scope { get; } = scope;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public bool Redeemed { get; set; }

    public bool Revoked { get; set; }
}

namespace Outreach.Sandbox.OAuth;

/// <summary>An issued refresh token; <see cref="Sequence"/> numbers the tokens of one user and app to apply the "100 newer tokens" rule.</summary>
internal sealed class RefreshTokenRecord(string userEmail, string clientId, string scope, DateTimeOffset createdAt, long sequence)
{
    public string UserEmail { get; } = userEmail;

    public string ClientId { get; } = clientId;

    public string Scope { get; } = scope;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public long Sequence { get; } = sequence;

    /// <summary>Set once the token was used to refresh (it was rotated away).</summary>
    public bool Rotated { get; set; }

    public bool Revoked { get; set; }
}

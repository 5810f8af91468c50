namespace Outreach.Connector.Tokens;

/// <summary>An Outreach access token and when it stops being usable. <see cref="ToString"/> never shows the value.</summary>
/// <param name="Value">The bearer token. Never log it.</param>
/// <param name="ExpiresAt">When Outreach stops accepting it (issue time plus <c>expires_in</c>).</param>
public sealed record OutreachAccessToken(string Value, DateTimeOffset ExpiresAt)
{
    /// <inheritdoc />
    public override string ToString() => $"OutreachAccessToken {{ Value = ***, ExpiresAt = {ExpiresAt:O} }}";
}

using System.Text.Json.Serialization;

namespace Outreach.Sandbox.OAuth;

/// <summary>The body of a successful <c>POST /oauth/token</c>, in Outreach's (Doorkeeper-style) snake_case shape.</summary>
public sealed record TokenResponse
{
    /// <summary>The bearer token for API calls.</summary>
    [JsonPropertyName("access_token")]
    public required string AccessToken { get; init; }

    /// <summary>Always <c>bearer</c>.</summary>
    [JsonPropertyName("token_type")]
    public required string TokenType { get; init; }

    /// <summary>Seconds until the access token expires.</summary>
    [JsonPropertyName("expires_in")]
    public required long ExpiresIn { get; init; }

    /// <summary>The new refresh token; a new one on every grant (rotation).</summary>
    [JsonPropertyName("refresh_token")]
    public required string RefreshToken { get; init; }

    /// <summary>The granted scopes, separated by spaces.</summary>
    [JsonPropertyName("scope")]
    public required string Scope { get; init; }

    /// <summary>When the token was created, in Unix epoch seconds.</summary>
    [JsonPropertyName("created_at")]
    public required long CreatedAt { get; init; }
}

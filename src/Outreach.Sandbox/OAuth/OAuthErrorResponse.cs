using System.Text.Json.Serialization;

namespace Outreach.Sandbox.OAuth;

/// <summary>An RFC 6749 error body from the token endpoint, e.g. <c>{"error":"invalid_grant","error_description":"…"}</c>.</summary>
/// <param name="Error">The error code: <c>invalid_grant</c>, <c>invalid_client</c>, <c>invalid_request</c>, <c>unsupported_grant_type</c>.</param>
/// <param name="ErrorDescription">A human explanation.</param>
public sealed record OAuthErrorResponse(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);

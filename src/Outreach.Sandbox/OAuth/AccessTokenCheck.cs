namespace Outreach.Sandbox.OAuth;

/// <summary>The outcome of checking a bearer token: the caller's grant, or why it is refused.</summary>
/// <param name="Token">The token's record when valid.</param>
/// <param name="Problem">Why the token is refused (missing, unknown, expired, revoked) when not valid.</param>
/// <param name="UserEmail">The token's user when known, even if refused (so revoked/expired calls are attributed).</param>
internal readonly record struct AccessTokenCheck(AccessTokenRecord? Token, string? Problem, string? UserEmail);

namespace Outreach.Sandbox.RateLimiting;

/// <summary>The state of a user's bucket after one call: whether it was allowed and what the headers say.</summary>
/// <param name="Allowed">False when the call is over the limit (429).</param>
/// <param name="Limit">Requests allowed per window.</param>
/// <param name="Remaining">Requests left in the current window.</param>
/// <param name="Used">Requests counted in the current window.</param>
/// <param name="ResetAt">When the current window ends and the counter resets.</param>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, int Used, DateTimeOffset ResetAt);

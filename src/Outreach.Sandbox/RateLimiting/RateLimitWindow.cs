namespace Outreach.Sandbox.RateLimiting;

/// <summary>One user's fixed rate-limit window as Outreach would have counted it.</summary>
/// <param name="User">The user's email.</param>
/// <param name="Start">Window start (UTC).</param>
/// <param name="End">Window end (UTC), when the counter resets.</param>
/// <param name="Requests">Calls counted against the limit in this window.</param>
/// <param name="Rejected">Calls refused with 429 because the limit was reached.</param>
public sealed record RateLimitWindow(string User, DateTimeOffset Start, DateTimeOffset End, int Requests, int Rejected);

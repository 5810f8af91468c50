namespace Outreach.Sandbox.Admin;

/// <summary>Calls attributed to one user since start or the last reset.</summary>
/// <param name="User">The user's email.</param>
/// <param name="Requests">All calls with this user's token (including refused ones).</param>
/// <param name="ByStatus">Calls per status code (as a string key, e.g. "200").</param>
public sealed record UserCounters(string User, long Requests, IReadOnlyDictionary<string, long> ByStatus);

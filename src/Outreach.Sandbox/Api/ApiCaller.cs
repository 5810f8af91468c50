namespace Outreach.Sandbox.Api;

/// <summary>Who is making an API call: the user and app behind its access token, and the token's scopes.</summary>
internal sealed record ApiCaller(string UserEmail, string ClientId, IReadOnlySet<string> Scopes)
{
    /// <summary>
    /// Whether the token may do <paramref name="action"/> (read or write) on <paramref name="resource"/>.
    /// Scopes are not additive: <c>write</c> gives no read access; <c>all</c> covers both (docs/reference/outreach-api.md §1).
    /// </summary>
    public bool HasScope(string resource, string action) =>
        Scopes.Contains($"{resource}.{action}") || Scopes.Contains($"{resource}.all");
}

namespace Outreach.Connector.EmailMatching;

/// <summary>What the cache knows about one email: the prospects Outreach returned for it (none for a negative entry).</summary>
/// <param name="ProspectIds">The prospect ids, ascending; empty when no prospect had the email.</param>
/// <param name="ExpiresAt">When the entry stops being used.</param>
public sealed record CachedEmailMatch(IReadOnlyList<long> ProspectIds, DateTimeOffset ExpiresAt);

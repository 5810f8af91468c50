namespace Outreach.Connector.EmailMatching;

/// <summary>What the cache knows about one email: the prospects Outreach returned for it (none for a negative entry).</summary>
/// <param name="ProspectIds">The prospect ids, ascending; empty when no prospect had the email.</param>
/// <param name="ExpiresAt">When the entry stops being used.</param>
/// <param name="AskedAt">
/// When the look-up this answer came from was sent (no later than that): a "no prospect" answer asked before a create
/// was recorded says nothing about that create (the create operation hands such an email the created prospect).
/// </param>
public sealed record CachedEmailMatch(IReadOnlyList<long> ProspectIds, DateTimeOffset ExpiresAt, DateTimeOffset AskedAt);

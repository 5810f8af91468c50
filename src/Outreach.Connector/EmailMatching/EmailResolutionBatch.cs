namespace Outreach.Connector.EmailMatching;

/// <summary>The resolutions of a batch's emails, with what they cost.</summary>
/// <param name="Resolutions">Per normalized email, what became of it.</param>
/// <param name="FromCache">Emails the cache answered.</param>
/// <param name="Lookups">Lookup requests sent to Outreach.</param>
public sealed record EmailResolutionBatch(IReadOnlyDictionary<string, EmailResolution> Resolutions, int FromCache, int Lookups);

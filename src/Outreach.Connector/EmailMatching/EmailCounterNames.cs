namespace Outreach.Connector.EmailMatching;

/// <summary>The hourly counters email resolution adds to the delivery counters (no email ever appears in a name).</summary>
public static class EmailCounterNames
{
    /// <summary>Emails the cache answered (found or "no prospect").</summary>
    public const string CacheHits = "EmailCacheHits";

    /// <summary>Lookup requests sent to Outreach (each took a permit).</summary>
    public const string Lookups = "EmailLookups";

    /// <summary>Cache entries dropped because the prospect answered 404 (deleted or merged).</summary>
    public const string Invalidated = "EmailCacheInvalidated";
}

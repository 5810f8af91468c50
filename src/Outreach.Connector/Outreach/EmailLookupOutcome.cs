namespace Outreach.Connector.Outreach;

/// <summary>The closed set of results of looking prospects up by email.</summary>
public abstract record EmailLookupOutcome
{
    /// <summary>
    /// Outreach answered. Every email asked for is a key of <paramref name="ProspectIds"/> (as it was given), with the
    /// ids of the prospects holding it, ascending: none (no match), one, or several (Outreach allows duplicates).
    /// </summary>
    /// <param name="ProspectIds">The matching prospect ids per email asked for.</param>
    /// <param name="Requests">How many HTTP requests the lookup made (more than one only when Outreach paged).</param>
    /// <param name="RateLimit">The rate-limit headers of the last answer.</param>
    public sealed record Found(IReadOnlyDictionary<string, IReadOnlyList<long>> ProspectIds, int Requests, RateLimitSnapshot RateLimit) : EmailLookupOutcome;

    /// <summary>A call failed (rate limit, transient, permanent, unauthorized); nothing is known about the emails.</summary>
    public sealed record Failed(OutreachCallOutcome Failure) : EmailLookupOutcome;
}

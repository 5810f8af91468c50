using Outreach.Connector.Outreach;

namespace Outreach.Connector.EmailMatching;

/// <summary>The closed set of results of one email lookup request. Expected results are values, not exceptions.</summary>
/// <remarks>Every outcome carries the response's rate-limit headers so the shared budget can be corrected.</remarks>
public abstract record EmailLookupOutcome(RateLimitSnapshot RateLimit)
{
    /// <summary>Outreach answered: per email asked for, the ids of the prospects that have it (an empty list for none).</summary>
    public sealed record Found(IReadOnlyDictionary<string, IReadOnlyList<long>> ProspectIdsByEmail, RateLimitSnapshot RateLimit) : EmailLookupOutcome(RateLimit);

    /// <summary>Outreach refused for the rate limit (429); nothing may be sent before <paramref name="RetryAt"/>.</summary>
    public sealed record RateLimited(DateTimeOffset RetryAt, RateLimitSnapshot RateLimit) : EmailLookupOutcome(RateLimit);

    /// <summary>A failure that may pass: 5xx, timeout, connection reset.</summary>
    public sealed record Transient(string Reason, DateTimeOffset? RetryAt, RateLimitSnapshot RateLimit) : EmailLookupOutcome(RateLimit);

    /// <summary>Outreach refused the request and will keep refusing it (4xx other than 401 and 429).</summary>
    public sealed record Permanent(int StatusCode, OutreachError? Error, RateLimitSnapshot RateLimit) : EmailLookupOutcome(RateLimit);

    /// <summary>The connection needs re-authorization.</summary>
    public sealed record Unauthorized(string Reason, RateLimitSnapshot RateLimit) : EmailLookupOutcome(RateLimit);
}

using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>The closed set of results of one Outreach call made by the bulk path (collection read, bulk action, batch poll, batch items).</summary>
/// <remarks>Like <see cref="PatchOutcome"/>, expected results are values, and each carries the response's rate-limit headers.</remarks>
public abstract record BulkCallOutcome(RateLimitSnapshot RateLimit)
{
    /// <summary>Outreach answered with what was asked for.</summary>
    public sealed record Succeeded<T>(T Value, RateLimitSnapshot RateLimit) : BulkCallOutcome(RateLimit);

    /// <summary>Outreach refused for the rate limit (429); nothing may be sent before <paramref name="RetryAt"/>.</summary>
    public sealed record RateLimited(DateTimeOffset RetryAt, RateLimitSnapshot RateLimit) : BulkCallOutcome(RateLimit);

    /// <summary>
    /// Outreach refused the call itself with a 4xx other than 401 and 429: the endpoint, the body shape, or the
    /// token's scopes (<paramref name="MissingScope"/>: a 403 naming a scope the connection was not granted).
    /// </summary>
    public sealed record Refused(int StatusCode, string Reason, bool MissingScope, RateLimitSnapshot RateLimit) : BulkCallOutcome(RateLimit);

    /// <summary>The client refused to send (e.g. a change the configured bulk body shape cannot carry); Outreach saw nothing.</summary>
    public sealed record NotSent(string Reason) : BulkCallOutcome(RateLimitSnapshot.None);

    /// <summary>A failure that may pass: 5xx, timeout, connection reset, no access token for now.</summary>
    public sealed record Transient(string Reason, RateLimitSnapshot RateLimit) : BulkCallOutcome(RateLimit);

    /// <summary>Outreach refused the credentials; the PATCH path's handling (pause until re-authorization) takes over.</summary>
    public sealed record Unauthorized(string Reason, RateLimitSnapshot RateLimit) : BulkCallOutcome(RateLimit);
}

/// <summary>How far Outreach has got with a bulk job (<c>GET /batches/{id}</c>).</summary>
/// <param name="Finished">True when <c>finishedAt</c> is set or nothing is pending; state names are not relied on (they are unpublished).</param>
/// <param name="Total">Items in the job, when reported.</param>
/// <param name="Failures">Items that failed, when reported; more than 0 means the failed items must be read.</param>
public sealed record BulkJobProgress(bool Finished, int? Total, int? Failures);

/// <summary>The prospects whose item of a finished bulk job failed (<c>GET /batchItems</c>, failed ones).</summary>
/// <param name="ProspectIds">Prospects named by failed items.</param>
/// <param name="Complete">False when some failed item could not be matched to a prospect: then no item of the job can be trusted as done.</param>
public sealed record BulkItemFailures(IReadOnlySet<long> ProspectIds, bool Complete);

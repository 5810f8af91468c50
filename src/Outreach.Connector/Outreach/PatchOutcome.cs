namespace Outreach.Connector.Outreach;

/// <summary>
/// The closed set of results of sending one prospect PATCH to Outreach. Expected results are values, not exceptions.
/// </summary>
/// <remarks>Every outcome carries the rate-limit headers of its response so delivery can pace on them.</remarks>
public abstract record PatchOutcome(RateLimitSnapshot RateLimit)
{
    /// <summary>Outreach applied the update (2xx).</summary>
    public sealed record Applied(int StatusCode, RateLimitSnapshot RateLimit) : PatchOutcome(RateLimit)
    {
        /// <summary>True when nothing was sent (a dry run answered as if Outreach had applied the update).</summary>
        public bool DryRun { get; init; }
    }

    /// <summary>Outreach refused for the rate limit (429); nothing may be sent before <paramref name="RetryAt"/>.</summary>
    public sealed record RateLimited(DateTimeOffset RetryAt, OutreachError? Error, RateLimitSnapshot RateLimit) : PatchOutcome(RateLimit);

    /// <summary>A failure that may succeed later: 5xx, timeout, connection reset. <paramref name="StatusCode"/> is null without a response.</summary>
    public sealed record Transient(int? StatusCode, string Reason, DateTimeOffset? RetryAt, RateLimitSnapshot RateLimit) : PatchOutcome(RateLimit);

    /// <summary>Outreach rejected the update and will keep rejecting it (400, 403, 404, 409, 415, 422).</summary>
    public sealed record Permanent(int StatusCode, IReadOnlyList<OutreachError> Errors, RateLimitSnapshot RateLimit) : PatchOutcome(RateLimit)
    {
        /// <summary>The first error, the one that names the cause in reports.</summary>
        public OutreachError? FirstError => Errors.Count > 0 ? Errors[0] : null;
    }

    /// <summary>
    /// Outreach refused the credentials even after one token refresh, or no valid token can be had: the connection
    /// needs re-authorization and delivery must pause without consuming updates.
    /// </summary>
    public sealed record Unauthorized(string Reason, RateLimitSnapshot RateLimit) : PatchOutcome(RateLimit);
}

namespace Outreach.Connector.Outreach;

/// <summary>
/// The closed set of results of one Outreach API call made by the collection, email-lookup and bulk clients
/// (the same classification as <see cref="PatchOutcome"/>, with the answer's body on success).
/// </summary>
public abstract record OutreachCallOutcome(RateLimitSnapshot RateLimit)
{
    /// <summary>Outreach answered 2xx; <paramref name="Body"/> is the JSON:API document.</summary>
    public sealed record Succeeded(int StatusCode, ReadOnlyMemory<byte> Body, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit);

    /// <summary>Outreach refused for the rate limit (429); nothing may be sent before <paramref name="RetryAt"/>.</summary>
    public sealed record RateLimited(DateTimeOffset RetryAt, OutreachError? Error, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit);

    /// <summary>A failure that may pass: 5xx, 408, timeout, connection reset. <paramref name="StatusCode"/> is null without an answer.</summary>
    public sealed record Transient(int? StatusCode, string Reason, DateTimeOffset? RetryAt, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit);

    /// <summary>Outreach refused the request and will keep refusing it (4xx other than 401 and 429).</summary>
    public sealed record Permanent(int StatusCode, IReadOnlyList<OutreachError> Errors, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit)
    {
        /// <summary>The first error, the one that names the cause in reports.</summary>
        public OutreachError? FirstError => Errors.Count > 0 ? Errors[0] : null;

        /// <summary>Whether the token lacks a scope the endpoint needs (403, as Outreach answers a missing scope).</summary>
        public bool IsMissingScope => StatusCode == 403;
    }

    /// <summary>No valid token, or Outreach refused a freshly refreshed one: the connection needs re-authorization.</summary>
    public sealed record Unauthorized(string Reason, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit);
}

namespace Outreach.Connector.Outreach;

/// <summary>
/// The one closed set of results of an Outreach API call, whatever the operation (prospect PATCH, collection read,
/// email lookup, bulk action, batch poll, batch items). Expected results are values, not exceptions.
/// </summary>
/// <remarks>
/// Every case carries the rate-limit headers of the answer (<see cref="RateLimitSnapshot.None"/> when nothing was
/// sent). <see cref="OutreachApiSender"/> is the one classifier of an HTTP answer into these cases; a typed call
/// answers <see cref="Succeeded{T}"/> with what it read, and any failure case unchanged.
/// </remarks>
public abstract record OutreachCallOutcome(RateLimitSnapshot RateLimit)
{
    /// <summary>Outreach answered 2xx (a PATCH applied, a read answered).</summary>
    public record Succeeded(int StatusCode, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit)
    {
        /// <summary>True when nothing was sent: a dry run answered as if Outreach had applied the update.</summary>
        public bool DryRun { get; init; }
    }

    /// <summary>Outreach answered 2xx and <paramref name="Value"/> is what the answer was read as.</summary>
    /// <typeparam name="T">What the operation reads: the raw body, a batch, the prospects of a list …</typeparam>
    public sealed record Succeeded<T>(T Value, int StatusCode, RateLimitSnapshot RateLimit) : Succeeded(StatusCode, RateLimit);

    /// <summary>Outreach refused for the rate limit (429); nothing may be sent before <paramref name="RetryAt"/>.</summary>
    public sealed record RateLimited(DateTimeOffset RetryAt, OutreachError? Error, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit);

    /// <summary>A failure that may pass: 5xx, 408, timeout, connection reset, no token for now. <paramref name="StatusCode"/> is null without an answer.</summary>
    public sealed record Transient(int? StatusCode, string Reason, DateTimeOffset? RetryAt, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit);

    /// <summary>Outreach refused the request and will keep refusing it (4xx other than 401 and 429).</summary>
    public sealed record Permanent(int StatusCode, IReadOnlyList<OutreachError> Errors, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit)
    {
        /// <summary>The first error, the one that names the cause in reports.</summary>
        public OutreachError? FirstError => Errors.Count > 0 ? Errors[0] : null;

        /// <summary>The cause in one word for reports: the first error's id, else its title.</summary>
        public string Reason => FirstError?.Id ?? FirstError?.Title ?? "refused";

        /// <summary>Whether the token lacks a scope the endpoint needs (403, as Outreach answers a missing scope).</summary>
        public bool IsMissingScope => StatusCode == 403;
    }

    /// <summary>
    /// No valid token, or Outreach refused a freshly refreshed one: the connection needs re-authorization and delivery
    /// pauses without consuming updates.
    /// </summary>
    public sealed record Unauthorized(string Reason, RateLimitSnapshot RateLimit) : OutreachCallOutcome(RateLimit);

    /// <summary>The client refused to send (a safety check, a change the configured body shape cannot carry): Outreach saw nothing.</summary>
    public sealed record NotSent(string Reason) : OutreachCallOutcome(RateLimitSnapshot.None);
}

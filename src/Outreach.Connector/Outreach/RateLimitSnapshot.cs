namespace Outreach.Connector.Outreach;

/// <summary>What Outreach's rate-limit headers said on one response; each part is null when absent or unreadable.</summary>
/// <param name="Limit">Requests allowed per window (<c>X-RateLimit-Limit</c>, first value when comma-separated).</param>
/// <param name="Remaining">Requests left in the window (<c>X-RateLimit-Remaining</c>, first value when comma-separated).</param>
/// <param name="ResetAt">When the window resets (<c>X-RateLimit-Reset</c> or <c>Retry-After</c>).</param>
public readonly record struct RateLimitSnapshot(int? Limit, int? Remaining, DateTimeOffset? ResetAt)
{
    /// <summary>A response that carried no rate-limit information.</summary>
    public static RateLimitSnapshot None => default;
}

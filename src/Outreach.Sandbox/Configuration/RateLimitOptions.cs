namespace Outreach.Sandbox.Configuration;

/// <summary>The per-user fixed-window request limit and the shape of its headers (docs/reference/outreach-api.md §4).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests allowed per user per window (Outreach: 10,000).</summary>
    public int Limit { get; set; } = 10_000;

    /// <summary>The window length (Outreach: one hour). Windows are aligned to multiples of it since the Unix epoch.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Format of <c>X-RateLimit-Reset</c>. UNCONFIRMED for Outreach; epoch seconds is the likely one.</summary>
    public TimeHeaderFormat ResetFormat { get; set; } = TimeHeaderFormat.EpochSeconds;

    /// <summary>Format of <c>Retry-After</c> on 429; null means the same as <see cref="ResetFormat"/> (an "alias").</summary>
    public TimeHeaderFormat? RetryAfterFormat { get; set; }

    /// <summary>Write <c>X-RateLimit-Remaining</c> as two comma-separated numbers (<c>9999, 19988</c>), a quirk seen since 2023.</summary>
    public bool CommaSeparatedRemaining { get; set; }

    /// <summary>Write <c>X-RateLimit-Limit</c> as two comma-separated numbers too.</summary>
    public bool CommaSeparatedLimit { get; set; }
}

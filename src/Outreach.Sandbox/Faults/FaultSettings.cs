namespace Outreach.Sandbox.Faults;

/// <summary>
/// The faults the sandbox injects into API calls: set at start (<c>Sandbox:Faults</c>) and replaced at runtime with
/// <c>PUT /admin/faults</c> (the same JSON shape, camelCase).
/// </summary>
public sealed class FaultSettings
{
    /// <summary>Fraction (0..1) of API calls answered with <see cref="ServerErrorStatusCode"/>.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Status of an injected server error: 503 (<c>scheduledServerMaintenance</c>, default) or another 5xx.</summary>
    public int ServerErrorStatusCode { get; set; } = 503;

    /// <summary>Latency added to every API call before it is handled, in milliseconds.</summary>
    public int LatencyMilliseconds { get; set; }

    /// <summary>Fraction (0..1) of API calls that hang for <see cref="TimeoutMilliseconds"/> (then answer 504) unless the client gives up first.</summary>
    public double TimeoutRate { get; set; }

    /// <summary>How long a "timeout" call hangs, in milliseconds; make it longer than the client's timeout.</summary>
    public int TimeoutMilliseconds { get; set; } = 120_000;

    /// <summary>Input: start a forced-429 window now, for this many seconds (every user gets 429).</summary>
    public int? ForcedRateLimitSeconds { get; set; }

    /// <summary>End of the forced-429 window (UTC); returned by <c>GET /admin/faults</c>, also accepted as input.</summary>
    public DateTimeOffset? ForcedRateLimitUntil { get; set; }

    /// <summary>Seed of the random generator that picks faulty calls; same seed and call order give the same faults.</summary>
    public int? Seed { get; set; }

    /// <summary>Also inject server errors, latency and timeouts into <c>POST /oauth/token</c>.</summary>
    public bool IncludeTokenEndpoint { get; set; }

    /// <summary>A copy, so callers never share the injector's live instance.</summary>
    public FaultSettings Clone() => (FaultSettings)MemberwiseClone();

    /// <summary>Returns the reasons the settings are invalid; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ServerErrorRate is < 0 or > 1 || double.IsNaN(ServerErrorRate))
        {
            problems.Add("serverErrorRate must be between 0 and 1.");
        }

        if (TimeoutRate is < 0 or > 1 || double.IsNaN(TimeoutRate))
        {
            problems.Add("timeoutRate must be between 0 and 1.");
        }

        if (ServerErrorStatusCode is < 500 or > 599)
        {
            problems.Add("serverErrorStatusCode must be a 5xx status.");
        }

        if (LatencyMilliseconds < 0 || TimeoutMilliseconds < 0)
        {
            problems.Add("latencyMilliseconds and timeoutMilliseconds must not be negative.");
        }

        if (ForcedRateLimitSeconds < 0)
        {
            problems.Add("forcedRateLimitSeconds must not be negative.");
        }

        return problems;
    }
}

namespace Outreach.Sandbox.Configuration;

/// <summary>How a point in time is written into a header such as <c>X-RateLimit-Reset</c> or <c>Retry-After</c>.</summary>
public enum TimeHeaderFormat
{
    /// <summary>Unix epoch seconds, e.g. <c>1767225600</c>.</summary>
    EpochSeconds,

    /// <summary>Seconds from now, rounded up, e.g. <c>42</c>.</summary>
    DeltaSeconds,

    /// <summary>ISO-8601 UTC, e.g. <c>2026-01-01T00:00:00Z</c>.</summary>
    Iso8601,

    /// <summary>RFC 7231 HTTP-date, e.g. <c>Thu, 01 Jan 2026 00:00:00 GMT</c>.</summary>
    HttpDate,
}

using System.ComponentModel.DataAnnotations;

namespace OutreachFunctions.Standalone;

/// <summary>How often the standalone runtime checks whether the Outreach refresh token needs rotating (section <c>KeepAlive</c>).</summary>
public sealed class KeepAliveOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KeepAlive";

    /// <summary>False never checks (an instance that shares its connection with another that does).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The time between two checks; far below the 7-day keep-alive age, so a day off is harmless.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The wait before the first check after start, so start-up is not slowed by a token refresh.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMinutes(1);
}

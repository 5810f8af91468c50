using System.Globalization;
using Outreach.Connector.Tokens;

namespace OutreachFunctions.Hosting;

/// <summary>How a keep-alive result is reported, the same by the KeepAlive function and the standalone keep-alive service.</summary>
public static class KeepAliveLogFormatter
{
    /// <summary>
    /// The marker the "Outreach connection needs re-authorization" alert looks for in traces
    /// (infra/modules/alerts.bicep).
    /// </summary>
    public const string NeedsReauthorizationMarker = "outreach.connection.needs_reauthorization";

    /// <summary>The level to log a result at: a person has to act on NeedsReauthorization; Failed is retried on the next tick.</summary>
    public static LogLevel Level(KeepAliveOutcome result) => result switch
    {
        KeepAliveOutcome.NeedsReauthorization => LogLevel.Error,
        KeepAliveOutcome.Failed or KeepAliveOutcome.NotConnected => LogLevel.Warning,
        _ => LogLevel.Information,
    };

    /// <summary>One line saying what the check did and what, if anything, to do. Holds no token.</summary>
    public static string Describe(KeepAliveOutcome result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result switch
        {
            KeepAliveOutcome.NotNeeded n => Invariant($"Keep-alive: nothing to do, the refresh token was issued at {n.RefreshTokenIssuedAt:O}."),
            KeepAliveOutcome.Refreshed r => Invariant($"Keep-alive: refreshed the Outreach tokens; the new refresh token was issued at {r.RefreshTokenIssuedAt:O}."),
            KeepAliveOutcome.NotConnected => "Keep-alive: the connector is not connected to Outreach yet; open the Connect URL.",
            KeepAliveOutcome.NeedsReauthorization n =>
                $"{NeedsReauthorizationMarker}: keep-alive found that Outreach refused the refresh token ({n.Reason}); open the Connect URL and authorize again.",
            KeepAliveOutcome.Failed f =>
                $"Keep-alive: the refresh could not be done now ({f.Reason}){(f.RetryAt is { } at ? Invariant($", retry after {at:O}") : "")}; the next run tries again.",
            _ => "Keep-alive: " + result.GetType().Name + ".",
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

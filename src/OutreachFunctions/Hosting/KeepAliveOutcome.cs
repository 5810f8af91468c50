using System.Globalization;
using Outreach.Connector.Tokens;

namespace OutreachFunctions.Hosting;

/// <summary>How a keep-alive result is reported, the same by the KeepAlive function and the standalone keep-alive service.</summary>
public static class KeepAliveOutcome
{
    /// <summary>
    /// The marker the "Outreach connection needs re-authorization" alert looks for in traces
    /// (infra/modules/alerts.bicep).
    /// </summary>
    public const string NeedsReauthorizationMarker = "outreach.connection.needs_reauthorization";

    /// <summary>The level to log a result at: a person has to act on NeedsReauthorization; Failed is retried on the next tick.</summary>
    public static LogLevel Level(KeepAliveResult result) => result switch
    {
        KeepAliveResult.NeedsReauthorization => LogLevel.Error,
        KeepAliveResult.Failed or KeepAliveResult.NotConnected => LogLevel.Warning,
        _ => LogLevel.Information,
    };

    /// <summary>One line saying what the check did and what, if anything, to do. Holds no token.</summary>
    public static string Describe(KeepAliveResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result switch
        {
            KeepAliveResult.NotNeeded n => Invariant($"Keep-alive: nothing to do, the refresh token was issued at {n.RefreshTokenIssuedAt:O}."),
            KeepAliveResult.Refreshed r => Invariant($"Keep-alive: refreshed the Outreach tokens; the new refresh token was issued at {r.RefreshTokenIssuedAt:O}."),
            KeepAliveResult.NotConnected => "Keep-alive: the connector is not connected to Outreach yet; open the Connect URL.",
            KeepAliveResult.NeedsReauthorization n =>
                $"{NeedsReauthorizationMarker}: keep-alive found that Outreach refused the refresh token ({n.Reason}); open the Connect URL and authorize again.",
            KeepAliveResult.Failed f =>
                $"Keep-alive: the refresh could not be done now ({f.Reason}){(f.RetryAt is { } at ? Invariant($", retry after {at:O}") : "")}; the next run tries again.",
            _ => "Keep-alive: " + result.GetType().Name + ".",
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Tokens;

/// <summary>
/// Keeps an idle Outreach connection alive: a refresh token dies 14 days after it is issued, so one older than
/// <see cref="TokenOptions.KeepAliveAge"/> (default 7 days) is rotated even when no update needed a token.
/// </summary>
/// <remarks>
/// No timer inside: the app calls <see cref="RefreshIfIdleAsync"/> from a Functions timer trigger (Azure) or from
/// its own hosted loop (standalone), e.g. every few hours. Calls are cheap when nothing is due (one store read), and
/// safe from many instances at once: the refresh runs under the connection's lock and re-checks the age there.
/// </remarks>
public sealed class ConnectionKeepAlive(AccessTokenProvider provider, IOptions<TokenOptions> options, ILogger<ConnectionKeepAlive> logger)
{
    /// <summary>Refreshes the connection's tokens when its refresh token is older than the configured age.</summary>
    public async Task<KeepAliveResult> RefreshIfIdleAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var result = await provider.RefreshIfOlderThanAsync(options.Value.KeepAliveAge, cancellationToken);
        KeepAliveLog.Checked(logger, provider.ConnectionName, result.GetType().Name);
        return result;
    }
}

/// <summary>Source-generated log messages of <see cref="ConnectionKeepAlive"/>.</summary>
internal static partial class KeepAliveLog
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Keep-alive of Outreach connection {ConnectionName}: {Result}")]
    public static partial void Checked(ILogger logger, string connectionName, string result);
}

using Microsoft.Extensions.Logging;

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
public sealed class ConnectionKeepAlive(TokenRefresher refresher, ILogger<ConnectionKeepAlive> logger)
{
    private static readonly AccessTokenOutcome NoRefreshNeeded = new AccessTokenOutcome.Unavailable("No refresh needed.", null);

    /// <summary>Refreshes the connection's tokens when its refresh token is older than the configured age.</summary>
    public async Task<KeepAliveOutcome> RefreshIfIdleAsync(CancellationToken cancellationToken)
    {
        var result = await RefreshIfOlderThanAsync(refresher.Options.KeepAliveAge, cancellationToken);
        KeepAliveLog.Checked(logger, refresher.ConnectionName, result.GetType().Name);
        return result;
    }

    /// <summary>Refreshes when the stored refresh token is older than <paramref name="maxAge"/>.</summary>
    public Task<KeepAliveOutcome> RefreshIfOlderThanAsync(TimeSpan maxAge, CancellationToken cancellationToken) =>
        refresher.ExclusiveAsync(() => RefreshUnderGateAsync(maxAge, cancellationToken), cancellationToken);

    private async Task<KeepAliveOutcome> RefreshUnderGateAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        StoredConnection? stored;
        try
        {
            stored = await refresher.ReadAsync(cancellationToken);
        }
        catch (Exception ex) when (TokenRefresher.IsInfrastructureFailure(ex))
        {
            return new KeepAliveOutcome.Failed("The token store could not be read.", null);
        }

        if (Verdict(stored, maxAge) is { } early)
        {
            return early;
        }

        // Under the lock, another instance may have refreshed meanwhile: then there is nothing to do.
        var result = await refresher.RefreshUnlessSettledAsync(current => Verdict(current, maxAge) is null ? null : NoRefreshNeeded, cancellationToken);
        var now = refresher.Time.GetUtcNow();
        if (ReferenceEquals(result, NoRefreshNeeded))
        {
            return Verdict(refresher.Cache.Entry?.Stored, maxAge) ?? new KeepAliveOutcome.NotNeeded(now);
        }

        return result switch
        {
            AccessTokenOutcome.Available => new KeepAliveOutcome.Refreshed(refresher.Cache.Entry?.Stored?.Tokens.RefreshTokenIssuedAt ?? now),
            AccessTokenOutcome.NeedsReauthorization n => new KeepAliveOutcome.NeedsReauthorization(n.Reason),
            AccessTokenOutcome.NotConnected => new KeepAliveOutcome.NotConnected(),
            AccessTokenOutcome.Unavailable u => new KeepAliveOutcome.Failed(u.Reason, u.RetryAt),
            AccessTokenOutcome.Refused r => new KeepAliveOutcome.Failed(r.Reason, null),
            _ => new KeepAliveOutcome.Failed("Unexpected result.", null),
        };
    }

    private KeepAliveOutcome? Verdict(StoredConnection? stored, TimeSpan maxAge) => stored switch
    {
        null => new KeepAliveOutcome.NotConnected(),
        { Tokens.Status: ConnectionStatus.NeedsReauthorization } s => new KeepAliveOutcome.NeedsReauthorization(s.Tokens.StatusReason ?? "Outreach refused the refresh token."),
        { Tokens.Status: not ConnectionStatus.Connected } => new KeepAliveOutcome.NotConnected(),
        var s when refresher.Time.GetUtcNow() - s.Tokens.RefreshTokenIssuedAt < maxAge => new KeepAliveOutcome.NotNeeded(s.Tokens.RefreshTokenIssuedAt),
        _ => null,
    };
}

/// <summary>Source-generated log messages of <see cref="ConnectionKeepAlive"/>.</summary>
internal static partial class KeepAliveLog
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Keep-alive of Outreach connection {ConnectionName}: {Result}")]
    public static partial void Checked(ILogger logger, string connectionName, string result);
}

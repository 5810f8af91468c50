using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;

namespace Outreach.Connector.Tokens;

/// <summary>
/// This process's view of the one connection state every instance shares: the token store's status
/// (Connected, NeedsReauthorization, NotConnected), plus a hold after Outreach refused this instance's credentials.
/// </summary>
/// <remarks>
/// <para>The state is persisted in the token store, where every instance reads it: a refused refresh (revoked
/// token) or a 401 to a freshly refreshed token is written there by <see cref="TokenRefresher"/>, and a new
/// authorization (the Callback, on whichever instance) clears it. This view follows every read and write the token
/// components make, and a sending instance re-reads the store at least every
/// <see cref="TokenOptions.ConnectionPollInterval"/> (its cached access token is not trusted longer), so each
/// instance stops within one interval without spending a request on its own 401. A paused drainer calls
/// <see cref="RefreshIfDueAsync"/> so it sees a re-authorization within one interval too.</para>
/// <para>The hold (<see cref="Pause"/>) keeps the engine from calling Outreach until its probe time; it ends early when
/// a request succeeds (<see cref="Resume"/>) or when the store shows an authorization newer than the hold.</para>
/// </remarks>
public sealed partial class ConnectionState(
    string connectionName,
    ITokenStore store,
    IOptions<TokenOptions> options,
    TimeProvider time,
    ILogger<ConnectionState> logger) : IConnectionState
{
    private readonly TokenOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private volatile StoreStatus? _stored;
    private PauseStatus? _hold;

    /// <summary>Called when a read of this view finds a different status than before, so cached tokens are read again.</summary>
    internal event Action? StatusChangedInStore;

    /// <summary>The connection's name (e.g. <c>default</c>).</summary>
    public string ConnectionName => connectionName;

    /// <inheritdoc />
    public bool IsPaused => Status is not null;

    /// <inheritdoc />
    public PauseStatus? Status
    {
        get
        {
            if (Volatile.Read(ref _hold) is { } hold)
            {
                return hold;
            }

            return _stored is { Status: not ConnectionStatus.Connected } s
                ? new PauseStatus(s.ChangedAt ?? s.ReadAt, s.Reason, s.ReadAt + _options.ConnectionPollInterval)
                : null;
        }
    }

    /// <inheritdoc />
    public bool HoldsNow(out DateTimeOffset probeAt)
    {
        var hold = Volatile.Read(ref _hold);
        probeAt = hold?.ProbeAt ?? default;
        return hold is not null && time.GetUtcNow() < hold.ProbeAt;
    }

    /// <inheritdoc />
    public PauseStatus Pause(string reason, DateTimeOffset probeAt)
    {
        var storedSince = _stored is { Status: not ConnectionStatus.Connected } s ? s.ChangedAt : null;
        var since = Volatile.Read(ref _hold)?.Since ?? storedSince ?? time.GetUtcNow();
        var status = new PauseStatus(since, reason, probeAt);
        Volatile.Write(ref _hold, status);
        return status;
    }

    /// <inheritdoc />
    public void Resume() => Volatile.Write(ref _hold, null);

    /// <inheritdoc />
    public async Task<ConnectionStatusReport> GetStatusAsync(CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(connectionName, cancellationToken);
        if (Observe(stored))
        {
            StatusChangedInStore?.Invoke();
        }

        if (stored is null)
        {
            return new ConnectionStatusReport(connectionName, ConnectionStatus.NotConnected, "No authorization stored.", null, null, null, null, null);
        }

        var t = stored.Tokens;
        return new ConnectionStatusReport(
            connectionName,
            t.Status,
            t.StatusReason,
            t.StatusChangedAt,
            t.RefreshTokenIssuedAt,
            t.RefreshTokenIssuedAt + _options.RefreshTokenLifetime,
            t.AccessTokenExpiresAt,
            t.Scope);
    }

    /// <inheritdoc />
    public async Task RefreshIfDueAsync(CancellationToken cancellationToken)
    {
        if (_stored is { } s && time.GetUtcNow() - s.ReadAt < _options.ConnectionPollInterval)
        {
            return;
        }

        try
        {
            await GetStatusAsync(cancellationToken);
        }
        catch (Exception ex) when (TokenRefresher.IsInfrastructureFailure(ex))
        {
            // The last known state stands; the next call tries again.
            LogReadFailed(connectionName, ex.GetType().Name);
        }
    }

    /// <summary>Follows what the store holds now (null: nothing stored); true when the status differs from the last one seen.</summary>
    internal bool Observe(StoredConnection? stored)
    {
        var tokens = stored?.Tokens;
        var now = time.GetUtcNow();
        var next = new StoreStatus(
            tokens?.Status ?? ConnectionStatus.NotConnected,
            ReasonOf(tokens),
            tokens?.StatusChangedAt,
            now);
        var previous = _stored;
        _stored = next;

        // A new authorization since this instance's hold began: resume at once instead of at the probe time.
        if (next.Status == ConnectionStatus.Connected && Volatile.Read(ref _hold) is { } hold && next.ChangedAt > hold.Since)
        {
            Volatile.Write(ref _hold, null);
            LogResumed(connectionName, next.ChangedAt.Value);
        }

        var changed = previous is not null && previous.Status != next.Status;
        if (changed)
        {
            LogStatusChanged(connectionName, previous!.Status, next.Status);
        }

        return changed;
    }

    private static string ReasonOf(ConnectionTokens? tokens) => tokens switch
    {
        null => "No authorization stored.",
        { StatusReason: { } reason } => reason,
        { Status: ConnectionStatus.NeedsReauthorization } => "Outreach refused the refresh token.",
        _ => tokens.Status.ToString(),
    };

    [LoggerMessage(EventId = 2320, Level = LogLevel.Warning, Message = "Outreach connection {ConnectionName} is now {Status} (was {Previous}) in the shared token store")]
    private partial void LogStatusChanged(string connectionName, ConnectionStatus previous, ConnectionStatus status);

    [LoggerMessage(EventId = 2321, Level = LogLevel.Information, Message = "Delivery over Outreach connection {ConnectionName} resumes: it was authorized again at {AuthorizedAt:O}")]
    private partial void LogResumed(string connectionName, DateTimeOffset authorizedAt);

    [LoggerMessage(EventId = 2322, Level = LogLevel.Warning, Message = "The connection state of Outreach connection {ConnectionName} could not be read ({ExceptionType}); the last known state stands")]
    private partial void LogReadFailed(string connectionName, string exceptionType);

    private sealed record StoreStatus(ConnectionStatus Status, string Reason, DateTimeOffset? ChangedAt, DateTimeOffset ReadAt);
}

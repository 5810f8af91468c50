using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Tokens;

/// <summary>
/// One connection's entry in the token store as this process reads and writes it: what is read or saved is recorded
/// in the process's <see cref="TokenCache"/> and handed to its <see cref="ConnectionState"/>, and rotated tokens whose
/// save failed earlier are saved before anything else.
/// </summary>
/// <remarks>
/// Every read and write of the entry goes through here, so delivery, health and the status page follow the store
/// without a second source of truth. When and how the tokens are refreshed (the lock, the token endpoint and its
/// answers) is <see cref="TokenRefresher"/>'s. Writes are not cancellable: a cancelled save would drop a rotated token.
/// </remarks>
public sealed class TokenStoreEntry
{
    private readonly ITokenStore _store;
    private readonly ILogger<TokenStoreEntry> _logger;
    private readonly ConnectionState? _state;

    /// <summary>Creates the entry of one connection, followed by <paramref name="state"/> when given.</summary>
    public TokenStoreEntry(
        string connectionName,
        ITokenStore store,
        IOptions<TokenOptions> options,
        TimeProvider timeProvider,
        ILogger<TokenStoreEntry> logger,
        ConnectionState? state = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ConnectionName = connectionName;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _state = state;
        Cache = new TokenCache(connectionName, options.Value, timeProvider);
        if (state is not null)
        {
            state.StatusChangedInStore += Cache.Invalidate;
        }
    }

    /// <summary>The connection's name (e.g. <c>default</c>).</summary>
    public string ConnectionName { get; }

    internal TokenCache Cache { get; }

    /// <summary>Reads the store; the cache and the connection state follow what was read.</summary>
    internal async Task<StoredConnection?> ReadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(ConnectionName, cancellationToken);
        Remember(stored);
        return stored;
    }

    /// <summary>Reads the store without recording what was read: the caller is about to write over it.</summary>
    internal Task<StoredConnection?> PeekAsync() => _store.GetAsync(ConnectionName, CancellationToken.None);

    /// <summary>Writes <paramref name="tokens"/> if the entry is still at <paramref name="expectedVersion"/>; records nothing.</summary>
    internal Task<TokenStoreWriteOutcome> WriteAsync(ConnectionTokens tokens, string? expectedVersion) =>
        _store.SaveAsync(ConnectionName, tokens, expectedVersion, CancellationToken.None);

    /// <summary>Records a successful write of <paramref name="tokens"/> at <paramref name="version"/>: any backoff ends.</summary>
    internal StoredConnection RecordSaved(ConnectionTokens tokens, string version)
    {
        var saved = new StoredConnection(tokens, version);
        Cache.RecordSaved(saved);
        _state?.Observe(saved);
        return saved;
    }

    /// <summary>Records what the store holds now, in the cache and the connection state.</summary>
    internal void Remember(StoredConnection? stored)
    {
        Cache.Record(stored);
        _state?.Observe(stored);
    }

    // Called under the lock: saves tokens whose save failed earlier, if the store has not moved on since.
    internal async Task<StoredConnection?> SaveUnsavedAsync(StoredConnection? stored)
    {
        if (Cache.Unsaved is not { } unsaved)
        {
            return stored;
        }

        if (stored?.Version != unsaved.BaseVersion)
        {
            // Another instance wrote since: its entry is newer; the unsaved tokens are dropped.
            Cache.Unsaved = null;
            return stored;
        }

        var write = await WriteAsync(unsaved.Tokens, unsaved.BaseVersion);
        Cache.Unsaved = null;
        if (!write.Saved)
        {
            return await ReadAsync(CancellationToken.None);
        }

        TokenLog.SavedLate(_logger, ConnectionName);
        return RecordSaved(unsaved.Tokens, write.Version!);
    }
}

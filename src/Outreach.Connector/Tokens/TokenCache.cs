namespace Outreach.Connector.Tokens;

/// <summary>
/// What one process remembers about its connection's tokens between store reads: the last stored entry, a backoff
/// after a failure, rotated tokens whose save failed, and the access token Outreach answered 401 to.
/// </summary>
/// <remarks>
/// Written only under the <see cref="TokenRefresher"/>'s gate; read without it (reference reads are atomic). A cached
/// access token is handed out only while the entry is younger than <see cref="TokenOptions.ConnectionPollInterval"/>,
/// so every sending instance re-reads the shared store at least that often and sees another instance's
/// "needs re-authorization" before its next request, not after its own 401.
/// </remarks>
internal sealed class TokenCache(string connectionName, TokenOptions options, TimeProvider time)
{
    private volatile CacheEntry? _entry;
    private volatile Backoff? _backoff;
    private volatile string? _rejectedAccessToken;

    /// <summary>The last entry read from or written to the store (null entry: nothing stored), or null before the first read.</summary>
    internal CacheEntry? Entry => _entry;

    /// <summary>Rotated tokens Outreach issued whose save failed; saved under the lock before anything else.</summary>
    internal UnsavedTokens? Unsaved { get; set; }

    /// <summary>Records what the store holds now.</summary>
    internal void Record(StoredConnection? stored) => _entry = new CacheEntry(stored, time.GetUtcNow());

    /// <summary>Records a successful write: any backoff ends.</summary>
    internal void RecordSaved(StoredConnection stored)
    {
        Record(stored);
        _backoff = null;
    }

    /// <summary>Forgets the entry: the next caller reads the store (another instance changed the connection's status).</summary>
    internal void Invalidate() => _entry = null;

    /// <summary>Keeps the entry as read now: the store could not be read, but the cached access token is still good.</summary>
    internal void Touch()
    {
        if (_entry is { } entry)
        {
            _entry = entry with { ReadAt = time.GetUtcNow() };
        }
    }

    /// <summary>Outreach answered 401 to this access token: never hand it out again.</summary>
    internal void Reject(OutreachAccessToken token) => _rejectedAccessToken = token.Value;

    /// <summary>Answers <paramref name="result"/> without work for <paramref name="duration"/>.</summary>
    internal AccessTokenOutcome Remember(AccessTokenOutcome result, TimeSpan duration)
    {
        _backoff = duration > TimeSpan.Zero ? new Backoff(result, time.GetUtcNow() + duration) : null;
        return result;
    }

    /// <summary>
    /// Answers from memory while the entry is fresh: a usable token, a recent "not connected / needs
    /// re-authorization", or a backoff; null when the store must be read.
    /// </summary>
    internal AccessTokenOutcome? FromMemory(OutreachAccessToken? rejected)
    {
        var now = time.GetUtcNow();
        if (_entry is { } entry && now - entry.ReadAt < options.ConnectionPollInterval)
        {
            if (Usable(entry.Stored, rejected) is { } token)
            {
                return new AccessTokenOutcome.Available(token);
            }

            if (now - entry.ReadAt < options.StatusRecheckInterval && NotUsable(entry.Stored) is { } notUsable)
            {
                return notUsable;
            }
        }

        return _backoff is { } backoff && now < backoff.Until ? backoff.Result : null;
    }

    /// <summary>The stored access token when it is connected, not about to expire and not rejected; else null.</summary>
    internal OutreachAccessToken? Usable(StoredConnection? stored, OutreachAccessToken? rejected)
    {
        if (stored?.Tokens is not { Status: ConnectionStatus.Connected, AccessToken: { } value, AccessTokenExpiresAt: { } expiresAt })
        {
            return null;
        }

        if (expiresAt - options.AccessTokenRefreshSkew <= time.GetUtcNow())
        {
            return null;
        }

        var refused = (rejected is not null && string.Equals(rejected.Value, value, StringComparison.Ordinal))
            || string.Equals(_rejectedAccessToken, value, StringComparison.Ordinal);
        return refused ? null : new OutreachAccessToken(value, expiresAt);
    }

    /// <summary>Why a stored entry cannot give a token at all (nothing stored, needs re-authorization); null when connected.</summary>
    internal static AccessTokenOutcome? NotUsable(StoredConnection? stored, string connectionName) => stored switch
    {
        null => new AccessTokenOutcome.NotConnected(connectionName),
        { Tokens.Status: ConnectionStatus.NeedsReauthorization } s =>
            new AccessTokenOutcome.NeedsReauthorization(s.Tokens.StatusReason ?? "Outreach refused the refresh token.", s.Tokens.StatusChangedAt),
        { Tokens.Status: not ConnectionStatus.Connected } => new AccessTokenOutcome.NotConnected(connectionName),
        _ => null,
    };

    private AccessTokenOutcome? NotUsable(StoredConnection? stored) => NotUsable(stored, connectionName);

    /// <summary>A stored entry (null: nothing stored) and when this process read or wrote it.</summary>
    internal sealed record CacheEntry(StoredConnection? Stored, DateTimeOffset ReadAt);

    /// <summary>Rotated tokens not yet saved, and the store version they replace.</summary>
    internal sealed record UnsavedTokens(ConnectionTokens Tokens, string? BaseVersion);

    private sealed record Backoff(AccessTokenOutcome Result, DateTimeOffset Until);
}

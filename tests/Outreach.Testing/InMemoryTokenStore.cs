using System.Globalization;
using Outreach.Connector.Tokens;

namespace Outreach.Testing;

/// <summary>
/// An <see cref="ITokenStore"/> in memory with a version counter, recording every read and write in order; it can be
/// told to fail writes, to test what the token lifecycle does when the store is down.
/// </summary>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredConnection> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _journal = [];
    private long _version;

    /// <summary>When set, the next <see cref="SaveAsync"/> calls throw this until cleared.</summary>
    public Exception? FailSavesWith { get; set; }

    /// <summary>Called after each successful save with the saved tokens (e.g. to record ordering).</summary>
    public Action<ConnectionTokens>? OnSaved { get; set; }

    /// <summary>"get" and "save" operations in order.</summary>
    public IReadOnlyList<string> Journal
    {
        get
        {
            lock (_lock)
            {
                return [.. _journal];
            }
        }
    }

    /// <summary>How many successful saves happened.</summary>
    public int SaveCount => Journal.Count(j => j.StartsWith("save", StringComparison.Ordinal));

    /// <summary>The entry as stored now (no journal entry).</summary>
    public StoredConnection? Peek(string connectionName)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(connectionName);
        }
    }

    /// <summary>Puts an entry directly (test arrangement).</summary>
    public void Seed(string connectionName, ConnectionTokens tokens)
    {
        lock (_lock)
        {
            _entries[connectionName] = new StoredConnection(tokens, NextVersion());
        }
    }

    /// <inheritdoc />
    public Task<StoredConnection?> GetAsync(string connectionName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _journal.Add("get");
            return Task.FromResult(_entries.GetValueOrDefault(connectionName));
        }
    }

    /// <inheritdoc />
    public Task<TokenStoreWriteOutcome> SaveAsync(string connectionName, ConnectionTokens tokens, string? expectedVersion, CancellationToken cancellationToken)
    {
        if (FailSavesWith is { } failure)
        {
            throw failure;
        }

        StoredConnection saved;
        lock (_lock)
        {
            var current = _entries.GetValueOrDefault(connectionName);
            if (!string.Equals(current?.Version, expectedVersion, StringComparison.Ordinal))
            {
                _journal.Add("save-conflict");
                return Task.FromResult(TokenStoreWriteOutcome.Conflict);
            }

            saved = new StoredConnection(tokens, NextVersion());
            _entries[connectionName] = saved;
            _journal.Add("save");
        }

        OnSaved?.Invoke(tokens);
        return Task.FromResult(TokenStoreWriteOutcome.Success(saved.Version));
    }

    private string NextVersion() => (++_version).ToString(CultureInfo.InvariantCulture);
}

namespace Outreach.Connector.Delivery.Claims;

/// <summary>
/// The prospects one batch holds: it may write to these and to no others. Renews the claims while the batch runs and
/// releases them when disposed.
/// </summary>
public sealed class ProspectClaimSet : IAsyncDisposable
{
    private readonly ProspectClaimStore _store;
    private readonly string _owner;
    private readonly Dictionary<long, HeldClaim> _held;
    private bool _released;

    internal ProspectClaimSet(ProspectClaimStore store, string owner, IEnumerable<HeldClaim> held, DateTimeOffset conflictRetryAt)
    {
        _store = store;
        _owner = owner;
        _held = held.ToDictionary(c => c.ProspectId);
        ConflictRetryAt = conflictRetryAt;
    }

    /// <summary>When messages of a prospect this batch does not hold should be delivered again.</summary>
    public DateTimeOffset ConflictRetryAt { get; }

    /// <summary>The prospects currently held.</summary>
    public IReadOnlyCollection<long> Held => _held.Keys;

    /// <summary>Whether this batch holds the prospect (a claim that was lost on renewal is no longer held).</summary>
    public bool Holds(long prospectId) => _held.ContainsKey(prospectId);

    /// <summary>
    /// Whether the prospect may be written now: renews every held claim first when half of a lease has passed, so the
    /// claim outlives the send and the recording of its outcome.
    /// </summary>
    public async Task<bool> HoldsForWriteAsync(long prospectId, CancellationToken cancellationToken)
    {
        if (!_held.TryGetValue(prospectId, out var claim))
        {
            return false;
        }

        if (claim.ExpiresAt - _store.Time.GetUtcNow() < _store.LeaseDuration / 2)
        {
            await RenewAsync(cancellationToken);
        }

        return _held.ContainsKey(prospectId);
    }

    /// <summary>
    /// Extends every held claim by a full lease; claims that are no longer ours are dropped. Long work on the held
    /// prospects (a bulk job polled for minutes) calls this at intervals shorter than the lease.
    /// </summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        var renewed = await Task.WhenAll(_held.Values.ToList().Select(claim => _store.RenewAsync(claim, _owner, cancellationToken)));
        _held.Clear();
        foreach (var claim in renewed.OfType<HeldClaim>())
        {
            _held[claim.ProspectId] = claim;
        }
    }

    /// <summary>Releases the claims still held, so other drainers can write to these prospects at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        var held = _held.Values.ToList();
        _held.Clear();
        await _store.ReleaseAsync(held);
    }
}

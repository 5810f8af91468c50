using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery.Claims;

/// <summary>
/// The prospects one batch holds: it may write to these and to no others. Renews the claims while the batch runs and
/// releases them when disposed. A prospect another drainer holds waits briefly, without using an attempt, so the order
/// of its updates is kept.
/// </summary>
/// <remarks>
/// The engine asks twice per prospect with the one method <see cref="KeepsAsync"/>: once when the batch opens (the
/// operations must only see held prospects) and again just before the prospect's write, because a long batch renews the
/// claims on the way and a claim lost on renewal must not be written. Without a claim store (<see cref="None"/>) every
/// prospect may be written.
/// </remarks>
public sealed class ProspectClaimSet : IAsyncDisposable
{
    private readonly ProspectClaimStore? _store;
    private readonly string _owner;
    private readonly Dictionary<long, HeldClaim> _held;
    private bool _released;

    internal ProspectClaimSet(ProspectClaimStore? store, string owner, IEnumerable<HeldClaim> held, DateTimeOffset conflictRetryAt)
    {
        _store = store;
        _owner = owner;
        _held = held.ToDictionary(c => c.ProspectId);
        ConflictRetryAt = conflictRetryAt;
    }

    /// <summary>No claims in use: every prospect may be written (no claim store, or a batch not opened yet).</summary>
    internal static ProspectClaimSet None { get; } = new(null, string.Empty, [], DateTimeOffset.MinValue);

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
        if (_store is null || !_held.TryGetValue(prospectId, out var claim))
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
        if (_store is null)
        {
            return;
        }

        var renewed = await Task.WhenAll(_held.Values.ToList().Select(claim => _store.RenewAsync(claim, _owner, cancellationToken)));
        _held.Clear();
        foreach (var claim in renewed.OfType<HeldClaim>())
        {
            _held[claim.ProspectId] = claim;
        }
    }

    /// <summary>Claims the batch's prospects (<see cref="None"/> when there is no claim store).</summary>
    internal static async Task<ProspectClaimSet> OpenAsync(ProspectClaimStore? store, IEnumerable<long> prospectIds, CancellationToken cancellationToken) =>
        store is null ? None : await store.ClaimAsync(prospectIds, cancellationToken);

    /// <summary>The groups this batch may write; the others are deferred.</summary>
    internal async Task<IReadOnlyList<CoalescedUpdate>> KeepHeldAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return groups;
        }

        var held = new List<CoalescedUpdate>(groups.Count);
        foreach (var group in groups)
        {
            if (await KeepsAsync(run, group, cancellationToken))
            {
                held.Add(group);
            }
        }

        return held;
    }

    /// <summary>
    /// Whether this batch may write the group now (renewing every claim first when half a lease has passed); when not,
    /// its messages are deferred to when the other drainer's claim ends.
    /// </summary>
    internal async Task<bool> KeepsAsync(BatchRun run, CoalescedUpdate group, CancellationToken cancellationToken)
    {
        // A prospect still to be created has no id to claim: the operation that creates it claims its email.
        if (_store is null || group.ProspectId == 0 || await HoldsForWriteAsync(group.ProspectId, cancellationToken))
        {
            return true;
        }

        foreach (var message in group.Messages)
        {
            run.Decide(message, new MessageFate.Deferred(message.MessageId, message.DeliveryAttempt - 1, ConflictRetryAt));
            run.Count(Names.Deferred, 1);
        }

        return false;
    }

    /// <summary>Releases the claims still held, so other drainers can write to these prospects at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released || _store is null)
        {
            return;
        }

        _released = true;
        var held = _held.Values.ToList();
        _held.Clear();
        await _store.ReleaseAsync(held);
    }
}

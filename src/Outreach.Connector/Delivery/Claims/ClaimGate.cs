using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Delivery.Claims;

/// <summary>
/// One batch's claims as the engine uses them: which prospects it may write now. A prospect another drainer holds
/// waits briefly, without using an attempt, so the order of its updates is kept.
/// </summary>
/// <remarks>
/// The engine asks twice per prospect with the one method <see cref="KeepsAsync"/>: once before the bulk pass (which
/// must only see held prospects) and again just before the prospect's PATCH, because a long loop renews the claims on
/// the way and a claim lost on renewal must not be written. Without a claim store every prospect is kept.
/// </remarks>
internal sealed class ClaimGate : IAsyncDisposable
{
    private readonly ProspectClaimSet? _claims;

    private ClaimGate(ProspectClaimSet? claims) => _claims = claims;

    /// <summary>No claims: every prospect may be written (no claim store, or a batch not opened yet).</summary>
    public static ClaimGate None { get; } = new(null);

    /// <summary>Claims the batch's prospects (nothing when there is no claim store).</summary>
    public static async Task<ClaimGate> OpenAsync(ProspectClaimStore? store, IEnumerable<long> prospectIds, CancellationToken cancellationToken) =>
        new(store is null ? null : await store.ClaimAsync(prospectIds, cancellationToken));

    /// <summary>The groups this batch may write; the others are deferred.</summary>
    public async Task<IReadOnlyList<CoalescedUpdate>> KeepHeldAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken)
    {
        if (_claims is null)
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
    public async Task<bool> KeepsAsync(BatchRun run, CoalescedUpdate group, CancellationToken cancellationToken)
    {
        // A prospect still to be created has no id to claim: the operation that creates it claims its email.
        if (_claims is null || group.ProspectId == 0 || await _claims.HoldsForWriteAsync(group.ProspectId, cancellationToken))
        {
            return true;
        }

        foreach (var message in group.Messages)
        {
            run.Decide(message, new MessageFate.Deferred(message.MessageId, message.DeliveryAttempt - 1, _claims.ConflictRetryAt));
            run.Count(Names.Deferred, 1);
        }

        return false;
    }

    /// <summary>Releases the claims still held.</summary>
    public ValueTask DisposeAsync() => _claims?.DisposeAsync() ?? ValueTask.CompletedTask;
}

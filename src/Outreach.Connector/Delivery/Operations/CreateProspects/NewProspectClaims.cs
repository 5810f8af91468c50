using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Claims;

namespace Outreach.Connector.Delivery.Operations.CreateProspects;

/// <summary>
/// One row per email a create was started for (keyed by the email's hash, never the address): the claim that lets one
/// drainer at a time create the prospect an email names, and what is known of the create.
/// </summary>
/// <remarks>
/// <para>
/// Outreach has no idempotency key, so the row is what makes a create happen once (docs/architecture.md, "Creating a
/// prospect exactly once"). A drainer creates only after inserting the row (insert-if-absent is atomic in Table
/// storage: of two drainers, one wins). Whoever finds a row it did not just insert — a create whose answer was lost, a
/// drainer that died before recording, a prospect created earlier — must look the email up before creating.
/// </para>
/// <para>
/// A claim lasts <c>Delivery__Claims__LeaseDuration</c>, longer than one create can take (the Outreach client's attempt
/// timeout), so a create still in flight is never taken over.
/// </para>
/// </remarks>
public sealed class NewProspectClaims(DeliveryTables tables, IOptions<ProspectClaimOptions> options, TimeProvider time, ProspectClaimStore? prospectClaims = null)
{
    private const string RowKey = "create";
    private const string Pending = "pending";
    private const string Uncertain = "uncertain";
    private const string Created = "created";
    private readonly ProspectClaimOptions _options = options.Value;

    /// <summary>How long an update waits when another drainer holds what it needs (<c>Delivery__Claims__ConflictDelay</c>).</summary>
    public TimeSpan ConflictDelay => _options.ConflictDelay;

    /// <summary>Claims the email for a create, or says who holds it.</summary>
    public Task<NewProspectClaim> ClaimAsync(string emailHash, CancellationToken cancellationToken) =>
        ClaimAsync(emailHash, noProspectAskedAt: null, cancellationToken);

    /// <summary>
    /// Claims the email for a create, says who holds it, or hands over the prospect a create recorded after
    /// <paramref name="noProspectAskedAt"/>, the time the look-up that found no prospect was sent.
    /// </summary>
    /// <remarks>
    /// A "no prospect" answer asked before a create was recorded says nothing about it: the recorded prospect is the
    /// email's (<see cref="NewProspectClaim.AlreadyCreated"/>), the row stays "created", and no look-up is needed. One
    /// asked after it (the prospect deleted or merged since, or a look-up not yet seeing it) takes the row over and looks
    /// the email up first. A hand-over never creates, so it cannot make a second prospect; at worst (the prospect
    /// deleted in between) the update's PATCH answers 404 and the email is resolved again.
    /// </remarks>
    public async Task<NewProspectClaim> ClaimAsync(string emailHash, DateTimeOffset? noProspectAskedAt, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.ProspectCreations, cancellationToken);
        var now = time.GetUtcNow();
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(emailHash, RowKey, cancellationToken: cancellationToken);
        var row = new TableEntity(emailHash, RowKey) { ["State"] = Pending, ["LeaseUntil"] = now + _options.LeaseDuration, ["ClaimedAt"] = now };
        try
        {
            if (!existing.HasValue || existing.Value is null)
            {
                var added = await table.AddEntityAsync(row, cancellationToken);
                return new NewProspectClaim.Won(emailHash, added.Headers.ETag ?? ETag.All, LookFirst: false);
            }

            var found = existing.Value;
            if (Held(found, noProspectAskedAt, now) is { } held)
            {
                return held;
            }

            // A create that may have been applied (its answer lost, its drainer gone) or one that was: look first.
            var replaced = await table.UpdateEntityAsync(row, found.ETag, TableUpdateMode.Replace, cancellationToken);
            return new NewProspectClaim.Won(emailHash, replaced.Headers.ETag ?? ETag.All, LookFirst: true);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            // Another drainer inserted or took the row between our read and write.
            return new NewProspectClaim.HeldElsewhere(now + _options.ConflictDelay);
        }
    }

    /// <summary>
    /// Claims the prospect a create just made, as every writer of a prospect does before recording its versions: a
    /// drainer that found it by look-up (after a lost answer) may be writing it already. True when this drainer holds
    /// it until the returned <c>Release</c> is disposed (always, without a claim store).
    /// </summary>
    public async Task<(bool Held, IAsyncDisposable Release)> ClaimCreatedProspectAsync(long prospectId, CancellationToken cancellationToken)
    {
        if (prospectClaims is null)
        {
            return (true, NoClaim.Instance);
        }

        var set = await prospectClaims.ClaimAsync([prospectId], cancellationToken);
        return (await set.HoldsForWriteAsync(prospectId, cancellationToken), set);
    }

    /// <summary>
    /// Whether a claim now would be won with <see cref="NewProspectClaim.Won.LookFirst"/> (a row no one holds and that
    /// hands nothing over): reads only, so the create operation can look such emails up together before claiming them.
    /// </summary>
    public async Task<bool> WouldLookFirstAsync(string emailHash, DateTimeOffset? noProspectAskedAt, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.ProspectCreations, cancellationToken);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(emailHash, RowKey, cancellationToken: cancellationToken);
        return existing.HasValue && existing.Value is { } found && Held(found, noProspectAskedAt, time.GetUtcNow()) is null;
    }

    /// <summary>The create was applied (or the prospect found): later claims look the email up first.</summary>
    public Task CreatedAsync(NewProspectClaim.Won claim, long prospectId, CancellationToken cancellationToken) =>
        SettleAsync(claim, new TableEntity(claim.EmailHash, RowKey) { ["State"] = Created, ["ProspectId"] = prospectId, ["CreatedAt"] = time.GetUtcNow() }, cancellationToken);

    /// <summary>
    /// The create's answer was lost (or the look-up before it failed): the claim ends now, and whoever claims next
    /// looks the email up first.
    /// </summary>
    public Task UncertainAsync(NewProspectClaim.Won claim, CancellationToken cancellationToken) =>
        SettleAsync(claim, new TableEntity(claim.EmailHash, RowKey) { ["State"] = Uncertain, ["LeaseUntil"] = time.GetUtcNow() }, cancellationToken);

    /// <summary>Outreach did not apply a create (refused, 429, never sent): the row goes, as if never claimed.</summary>
    public async Task ReleaseAsync(NewProspectClaim.Won claim, CancellationToken cancellationToken)
    {
        if (claim.LookFirst)
        {
            // The row said "look first" before this claim: keep saying it.
            await UncertainAsync(claim, cancellationToken);
            return;
        }

        var table = await tables.ReadyAsync(tables.ProspectCreations, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(claim.EmailHash, RowKey, claim.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
        {
            // Already gone or taken over: nothing of ours to release.
        }
    }

    private async Task SettleAsync(NewProspectClaim.Won claim, TableEntity row, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.ProspectCreations, cancellationToken);
        try
        {
            await table.UpdateEntityAsync(row, claim.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
        {
            // Taken over after the lease: the new holder looks the email up before creating, which is what this would say.
        }
    }

    // What an existing row answers without being taken over: held by a create in flight, or a prospect to hand over.
    private NewProspectClaim? Held(TableEntity found, DateTimeOffset? noProspectAskedAt, DateTimeOffset now)
    {
        if (found.GetString("State") == Pending && found.GetDateTimeOffset("LeaseUntil") is { } leaseUntil && leaseUntil > now)
        {
            return new NewProspectClaim.HeldElsewhere(Min(leaseUntil, now + _options.ConflictDelay));
        }

        if (found.GetString("State") == Created && found.GetInt64("ProspectId") is { } prospectId
            && found.GetDateTimeOffset("CreatedAt") is { } createdAt && noProspectAskedAt < createdAt)
        {
            return new NewProspectClaim.AlreadyCreated(prospectId);
        }

        return null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed class NoClaim : IAsyncDisposable
    {
        public static readonly NoClaim Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The answer to a claim on an email for a create.</summary>
public abstract record NewProspectClaim
{
    /// <summary>
    /// This drainer may create the prospect; when <paramref name="LookFirst"/>, an earlier create may have been applied,
    /// so the email is looked up first.
    /// </summary>
    public sealed record Won(string EmailHash, ETag ETag, bool LookFirst) : NewProspectClaim;

    /// <summary>Another drainer is creating it: come back at <paramref name="RetryAt"/> (its prospect is then in the email cache).</summary>
    public sealed record HeldElsewhere(DateTimeOffset RetryAt) : NewProspectClaim;

    /// <summary>
    /// A create (or a look-up after one) recorded <paramref name="ProspectId"/> for the email after the "no prospect"
    /// answer the caller holds was asked: update that prospect; nothing to create or look up.
    /// </summary>
    public sealed record AlreadyCreated(long ProspectId) : NewProspectClaim;
}

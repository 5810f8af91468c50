using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Claims;

/// <summary>
/// Claims prospects in Azure Table storage so that, however many drainers run, only one at a time writes to a prospect.
/// </summary>
/// <remarks>
/// <para>
/// Layout: one entity per claimed prospect, PartitionKey = a shard of the prospect id (<c>s007</c>), RowKey = the
/// prospect id, with the claiming batch's <c>Owner</c> and the lease's <c>ExpiresAt</c>. A claim is a conditional
/// insert; an expired claim is taken over with an ETag-conditional replace; renewing and releasing are conditional on
/// the ETag of our own last write, so a claim that expired and was taken by another drainer is never renewed or
/// deleted by us. The claims of one shard are inserted in one table transaction; when one of them is already there
/// the whole transaction fails and that shard falls back to one claim per prospect.
/// </para>
/// <para>
/// Both runtimes (Storage-queue drainers and the Service Bus trigger) use the same table, so the guarantee holds
/// across every instance of a connection. Expiry compares the writer's clock with the reader's: the lease must be far
/// longer than the clock skew between instances.
/// </para>
/// </remarks>
public sealed partial class ProspectClaimStore
{
    private const string OwnerProperty = "Owner";
    private const string ExpiresAtProperty = "ExpiresAt";
    private const int MaxTransactionActions = 100;

    private readonly DeliveryTables _tables;
    private readonly ProspectClaimOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ProspectClaimStore> _logger;

    /// <summary>Creates the store over the delivery tables.</summary>
    public ProspectClaimStore(DeliveryTables tables, IOptions<ProspectClaimOptions> options, TimeProvider time, ILogger<ProspectClaimStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// Claims as many of the prospects as are free (or whose claim expired). Never throws for storage failures: a prospect
    /// that could not be claimed is simply not held, and its messages wait. Dispose the result to release the claims.
    /// </summary>
    public async Task<ProspectClaimSet> ClaimAsync(IEnumerable<long> prospectIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prospectIds);
        var owner = Guid.NewGuid().ToString("N");
        var ids = prospectIds.Distinct().ToList();
        var held = new List<HeldClaim>(ids.Count);
        if (ids.Count > 0)
        {
            try
            {
                var table = await _tables.ReadyAsync(_tables.ProspectClaims, cancellationToken);
                var shards = ids.GroupBy(PartitionKey).SelectMany(shard => shard.Chunk(MaxTransactionActions).Select(chunk => (shard.Key, chunk)));
                var claimed = await Task.WhenAll(shards.Select(shard => ClaimShardAsync(table, shard.Key, shard.chunk, owner, cancellationToken)));
                held.AddRange(claimed.SelectMany(c => c));
            }
            catch (RequestFailedException ex)
            {
                ClaimFailed(_logger, ex, ids.Count);
            }
        }

        if (held.Count < ids.Count)
        {
            ClaimedElsewhere(_logger, ids.Count - held.Count, _options.ConflictDelay);
        }

        return new ProspectClaimSet(this, owner, held, _time.GetUtcNow() + _options.ConflictDelay);
    }

    /// <summary>The partition of a prospect's claim: its shard, by prospect id.</summary>
    internal string PartitionKey(long prospectId) =>
        "s" + (Math.Abs(prospectId % _options.Shards)).ToString("D3", CultureInfo.InvariantCulture);

    internal TimeSpan LeaseDuration => _options.LeaseDuration;

    internal TimeProvider Time => _time;

    /// <summary>Extends a held claim; null when it is no longer ours (expired and taken, or deleted) or storage failed.</summary>
    internal async Task<HeldClaim?> RenewAsync(HeldClaim claim, string owner, CancellationToken cancellationToken)
    {
        var expiresAt = _time.GetUtcNow() + _options.LeaseDuration;
        try
        {
            var table = await _tables.ReadyAsync(_tables.ProspectClaims, cancellationToken);
            var response = await table.UpdateEntityAsync(NewEntity(claim.PartitionKey, claim.RowKey, owner, expiresAt), claim.ETag, TableUpdateMode.Replace, cancellationToken);
            return claim with { ETag = response.Headers.ETag ?? claim.ETag, ExpiresAt = expiresAt };
        }
        catch (RequestFailedException)
        {
            // Whether it was taken (412), removed (404) or storage failed, we cannot know the claim outlives the send.
            ClaimLost(_logger, claim.ProspectId);
            return null;
        }
    }

    /// <summary>Deletes our claims (each only if still ours); failures leave them to expire.</summary>
    internal async Task ReleaseAsync(IReadOnlyCollection<HeldClaim> claims)
    {
        if (claims.Count == 0)
        {
            return;
        }

        // Not the batch's token: even a cancelled batch should free its prospects for the other drainers.
        var table = await _tables.ReadyAsync(_tables.ProspectClaims, CancellationToken.None);
        await Task.WhenAll(claims.GroupBy(c => c.PartitionKey).SelectMany(shard => shard.Chunk(MaxTransactionActions)).Select(chunk => ReleaseShardAsync(table, chunk)));
    }

    private async Task ReleaseShardAsync(TableClient table, HeldClaim[] claims)
    {
        if (claims.Length > 1)
        {
            try
            {
                await table.SubmitTransactionAsync(
                    claims.Select(c => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(c.PartitionKey, c.RowKey), c.ETag)),
                    CancellationToken.None);
                return;
            }
            catch (RequestFailedException)
            {
                // One of them is no longer ours (or storage hiccuped): delete them one by one.
            }
        }

        await Task.WhenAll(claims.Select(async claim =>
        {
            try
            {
                await table.DeleteEntityAsync(claim.PartitionKey, claim.RowKey, claim.ETag, CancellationToken.None);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Already gone or taken over after expiry: nothing of ours to release.
            }
            catch (RequestFailedException ex)
            {
                ReleaseFailed(_logger, ex, claim.ProspectId);
            }
        }));
    }

    private async Task<IReadOnlyList<HeldClaim>> ClaimShardAsync(TableClient table, string partitionKey, long[] prospectIds, string owner, CancellationToken cancellationToken)
    {
        try
        {
            var expiresAt = _time.GetUtcNow() + _options.LeaseDuration;
            if (prospectIds.Length > 1 && await TryInsertAllAsync(table, partitionKey, prospectIds, owner, expiresAt, cancellationToken) is { } inserted)
            {
                return inserted;
            }

            var one = await Task.WhenAll(prospectIds.Select(id => ClaimOneAsync(table, partitionKey, id, owner, cancellationToken)));
            return one.OfType<HeldClaim>().ToList();
        }
        catch (RequestFailedException ex)
        {
            ClaimFailed(_logger, ex, prospectIds.Length);
            return [];
        }
    }

    // The fast path: every prospect of the shard is free, so one transaction claims them all. Null when any was taken
    // (the transaction is atomic: then nothing was inserted) or a response carried no ETag.
    private static async Task<IReadOnlyList<HeldClaim>?> TryInsertAllAsync(
        TableClient table, string partitionKey, long[] prospectIds, string owner, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        Response<IReadOnlyList<Response>> response;
        try
        {
            response = await table.SubmitTransactionAsync(
                prospectIds.Select(id => new TableTransactionAction(TableTransactionActionType.Add, NewEntity(partitionKey, RowKey(id), owner, expiresAt))),
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return null;
        }

        var held = new List<HeldClaim>(prospectIds.Length);
        for (var i = 0; i < prospectIds.Length; i++)
        {
            if (i >= response.Value.Count || response.Value[i].Headers.ETag is not { } etag)
            {
                // Inserted, but without the ETag we cannot release safely: the one-by-one path re-reads ours.
                return null;
            }

            held.Add(new HeldClaim(prospectIds[i], partitionKey, RowKey(prospectIds[i]), etag, expiresAt));
        }

        return held;
    }

    private async Task<HeldClaim?> ClaimOneAsync(TableClient table, string partitionKey, long prospectId, string owner, CancellationToken cancellationToken)
    {
        var rowKey = RowKey(prospectId);
        var expiresAt = _time.GetUtcNow() + _options.LeaseDuration;
        var entity = NewEntity(partitionKey, rowKey, owner, expiresAt);
        try
        {
            var added = await table.AddEntityAsync(entity, cancellationToken);
            return new HeldClaim(prospectId, partitionKey, rowKey, added.Headers.ETag ?? throw MissingETag(), expiresAt);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Someone holds or held it: take it over only if it is ours already or its lease ran out.
        }

        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        if (!existing.HasValue || existing.Value is not { } current)
        {
            // Released between our insert and our read: leave it to the next delivery rather than race again.
            return null;
        }

        var expired = current.GetDateTimeOffset(ExpiresAtProperty) is not { } currentExpiry || currentExpiry <= _time.GetUtcNow();
        if (!expired && !string.Equals(current.GetString(OwnerProperty), owner, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var replaced = await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken);
            return new HeldClaim(prospectId, partitionKey, rowKey, replaced.Headers.ETag ?? throw MissingETag(), expiresAt);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Another drainer took over the expired claim first.
            return null;
        }
    }

    private static string RowKey(long prospectId) => prospectId.ToString(CultureInfo.InvariantCulture);

    private static TableEntity NewEntity(string partitionKey, string rowKey, string owner, DateTimeOffset expiresAt) =>
        new(partitionKey, rowKey) { [OwnerProperty] = owner, [ExpiresAtProperty] = expiresAt };

    private static RequestFailedException MissingETag() => new("Table storage returned no ETag for a claim write.");

    // Log messages (source-generated): prospect ids and counts only.
    [LoggerMessage(EventId = 2901, Level = LogLevel.Debug,
        Message = "{Prospects} prospects of the batch are claimed by another drainer; their messages wait {Delay} without using an attempt")]
    private static partial void ClaimedElsewhere(ILogger logger, int prospects, TimeSpan delay);

    [LoggerMessage(EventId = 2902, Level = LogLevel.Warning,
        Message = "Claims of {Prospects} prospects could not be taken (storage failed); their messages wait and try again")]
    private static partial void ClaimFailed(ILogger logger, Exception exception, int prospects);

    [LoggerMessage(EventId = 2903, Level = LogLevel.Warning,
        Message = "Prospect {ProspectId}: the claim expired or could not be renewed; its messages wait instead of risking a write out of order")]
    private static partial void ClaimLost(ILogger logger, long prospectId);

    [LoggerMessage(EventId = 2904, Level = LogLevel.Debug,
        Message = "Prospect {ProspectId}: the claim could not be released (storage failed); it ends when its lease expires")]
    private static partial void ReleaseFailed(ILogger logger, Exception exception, long prospectId);
}

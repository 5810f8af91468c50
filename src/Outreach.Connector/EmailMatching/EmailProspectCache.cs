using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;

namespace Outreach.Connector.EmailMatching;

/// <summary>Email → prospect ids, remembered in Azure Table storage so an email costs Outreach one lookup per cache lifetime.</summary>
/// <remarks>
/// <para>
/// Keyed by the email's hash (<see cref="EmailHasher"/>), never the address: table <c>{Delivery:TablePrefix}EmailProspects</c>,
/// PartitionKey = hash, RowKey = <c>match</c>, so lookups of different emails never contend. An entry stores the ids
/// (comma-separated, ascending) and its expiry; an expired entry reads as missing and is overwritten by the next
/// lookup. Found prospects live <see cref="EmailResolutionOptions.CacheTtl"/>, "no prospect" answers the shorter
/// <see cref="EmailResolutionOptions.NegativeCacheTtl"/>.
/// </para>
/// <para>
/// Entries are written unconditionally: two drainers resolving the same email write the same answer, and the newer
/// one wins, which is what a cache wants.
/// </para>
/// </remarks>
public sealed class EmailProspectCache
{
    private const string RowKey = "match";
    private const string TableSuffix = "EmailProspects";
    private readonly TableClient _table;
    private readonly EmailResolutionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task? _creation;

    /// <summary>Creates the cache on the delivery tables' service client.</summary>
    public EmailProspectCache(TableServiceClient service, IOptions<DeliveryOptions> delivery, IOptions<EmailResolutionOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(options);
        _table = service.GetTableClient(delivery.Value.TablePrefix + TableSuffix);
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The entry for an email hash; null when there is none or it has expired.</summary>
    public async Task<CachedEmailMatch?> ReadAsync(string emailHash, CancellationToken cancellationToken)
    {
        await ReadyAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(emailHash, RowKey, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value is not { } entity)
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(entity.GetInt64("ExpiresAtMs") ?? 0);
        if (expiresAt <= _time.GetUtcNow())
        {
            return null;
        }

        // An entry written before AskedAtMs existed: its storing time is later than its asking, so never too early.
        var askedAt = (entity.GetInt64("AskedAtMs") ?? entity.GetInt64("StoredAtMs")) is { } askedMs
            ? DateTimeOffset.FromUnixTimeMilliseconds(askedMs)
            : DateTimeOffset.MaxValue;
        return new CachedEmailMatch(ParseIds(entity.GetString("ProspectIds")), expiresAt, askedAt);
    }

    /// <summary>Remembers the prospects Outreach returned for an email (none: a negative entry with the shorter lifetime).</summary>
    public Task<CachedEmailMatch> StoreAsync(string emailHash, IReadOnlyCollection<long> prospectIds, CancellationToken cancellationToken) =>
        StoreAsync(emailHash, prospectIds, askedAt: null, cancellationToken);

    /// <summary>
    /// Remembers the prospects a look-up sent at <paramref name="askedAt"/> returned (null: now, for a prospect the
    /// connector just created or found).
    /// </summary>
    public async Task<CachedEmailMatch> StoreAsync(string emailHash, IReadOnlyCollection<long> prospectIds, DateTimeOffset? askedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prospectIds);
        await ReadyAsync(cancellationToken);
        var ids = prospectIds.Distinct().Order().ToList();
        var now = _time.GetUtcNow();
        var asked = askedAt is { } at && at < now ? at : now;

        // Stored in whole milliseconds, rounded up: read back, the asking time is never earlier than it was.
        var askedMs = asked.ToUnixTimeMilliseconds() + (asked.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? 0 : 1);
        var expiresAt = now + (ids.Count == 0 ? _options.NegativeCacheTtl : _options.CacheTtl);
        var entity = new TableEntity(emailHash, RowKey)
        {
            ["ProspectIds"] = string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture))),
            ["StoredAtMs"] = now.ToUnixTimeMilliseconds(),
            ["AskedAtMs"] = askedMs,
            ["ExpiresAtMs"] = expiresAt.ToUnixTimeMilliseconds(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        return new CachedEmailMatch(ids, expiresAt, DateTimeOffset.FromUnixTimeMilliseconds(askedMs));
    }

    /// <summary>Forgets an email, after Outreach answered 404 for its prospect (deleted or merged): the next delivery looks it up again.</summary>
    public async Task InvalidateAsync(string emailHash, CancellationToken cancellationToken)
    {
        await ReadyAsync(cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(emailHash, RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: another drainer invalidated it, or it never was cached.
        }
    }

    // One create call per process; a failed one is forgotten so the next call tries again.
    private async Task ReadyAsync(CancellationToken cancellationToken)
    {
        Task creation;
        lock (_gate)
        {
            creation = _creation ??= _table.CreateIfNotExistsAsync(CancellationToken.None);
        }

        try
        {
            await creation.WaitAsync(cancellationToken);
        }
        catch (RequestFailedException)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_creation, creation))
                {
                    _creation = null;
                }
            }

            throw;
        }
    }

    private static IReadOnlyList<long> ParseIds(string? text) =>
        string.IsNullOrEmpty(text)
            ? []
            : text.Split(',').Select(part => long.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();
}

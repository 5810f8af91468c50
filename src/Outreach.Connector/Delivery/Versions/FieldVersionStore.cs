using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Outreach.Connector.Delivery.Coalescing;

namespace Outreach.Connector.Delivery.Versions;

/// <summary>Per prospect and field, the version of the value last applied to Outreach, in Azure Table storage.</summary>
/// <remarks>
/// <para>
/// Layout: one entity per prospect (PartitionKey = prospect id, RowKey = <c>fields</c>) with one string property per
/// field (<c>f_custom7</c> = <c>observedMs|receivedMs|hash</c>). Chosen over one row per field because delivery
/// always reads and writes all fields of a prospect together: one point read before the PATCH and one
/// ETag-conditional merge after it, whatever the field count, and a single ETag guards the prospect as a whole, so a
/// conflict retry re-reads and re-decides every field at once. Packing each version into one property keeps a
/// prospect within the 252-property limit (Outreach has custom1..custom150 plus its standard attributes).
/// </para>
/// <para>
/// Each prospect is its own partition, so drainers working on different prospects never contend.
/// </para>
/// <para>
/// A stored version observed more than <paramref name="maxEventTimeSkew"/> after its receipt (written before delivery
/// checked event times) is read as observed at its receipt time (<see cref="FieldVersion.WithinSkew"/>), so the field
/// it froze takes newer exports again.
/// </para>
/// </remarks>
/// <param name="tables">The delivery tables.</param>
/// <param name="maxEventTimeSkew">See <see cref="DeliveryOptions.MaxEventTimeSkew"/>; <see cref="FieldVersion.DefaultMaxEventTimeSkew"/> when null.</param>
public sealed class FieldVersionStore(DeliveryTables tables, TimeSpan? maxEventTimeSkew = null)
{
    private readonly TimeSpan _maxSkew = maxEventTimeSkew ?? FieldVersion.DefaultMaxEventTimeSkew;

    private const string RowKey = "fields";
    private const string PropertyPrefix = "f_";
    private const int MaxConflictRetries = 16;

    /// <summary>Reads the applied versions of a prospect (none when it has no entity yet).</summary>
    public async Task<AppliedFieldVersions> ReadAsync(long prospectId, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.FieldVersions, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(prospectId), RowKey, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value is null)
        {
            return AppliedFieldVersions.None(prospectId);
        }

        var entity = response.Value;
        var fields = new Dictionary<string, FieldVersion>(StringComparer.Ordinal);
        foreach (var (key, value) in entity)
        {
            if (key.StartsWith(PropertyPrefix, StringComparison.Ordinal) && FieldVersion.TryDecode(value as string, out var version))
            {
                fields[DecodeName(key)] = version.WithinSkew(_maxSkew);
            }
        }

        return new AppliedFieldVersions(prospectId, fields, entity.ETag);
    }

    /// <summary>
    /// Records the versions of fields Outreach just applied. Only fields whose version is newer than the stored one are
    /// written; a newer version written concurrently wins. The write is conditional on the ETag of
    /// <paramref name="readBefore"/> (the read that preceded the PATCH); on a conflict the entity is re-read and the
    /// decision made again. The result carries the prospect's versions after the write (with the new ETag), so a later
    /// write by the same holder of the prospect's claim need not read them again.
    /// </summary>
    public async Task<VersionRecordResult> RecordAppliedAsync(
        long prospectId, IReadOnlyDictionary<string, FieldVersion> applied, AppliedFieldVersions? readBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var table = await tables.ReadyAsync(tables.FieldVersions, cancellationToken);
        var current = readBefore ?? await ReadAsync(prospectId, cancellationToken);
        for (var conflicts = 0; ; conflicts++)
        {
            var recorded = new List<string>();
            var superseded = new List<string>();
            var entity = new TableEntity(PartitionKey(prospectId), RowKey);
            foreach (var (name, version) in applied)
            {
                if (current.Fields.TryGetValue(name, out var stored))
                {
                    var order = version.CompareOrder(stored);
                    if (order < 0)
                    {
                        superseded.Add(name);
                    }

                    if (order <= 0)
                    {
                        continue;
                    }
                }

                recorded.Add(name);
                entity[EncodeName(name)] = version.Encode();
            }

            if (recorded.Count == 0)
            {
                return new VersionRecordResult(recorded, superseded, conflicts, current);
            }

            try
            {
                var response = current.ETag is { } etag
                    ? await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Merge, cancellationToken)
                    : await table.AddEntityAsync(entity, cancellationToken);
                return new VersionRecordResult(recorded, superseded, conflicts, After(current, applied, recorded, response.Headers.ETag));
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412 && conflicts < MaxConflictRetries)
            {
                // Another drainer wrote this prospect since our read (412), created it first (409), or it was removed
                // (404): re-read and decide again.
                current = await ReadAsync(prospectId, cancellationToken);
            }
        }
    }

    // What the store holds after a successful write: the fields read before it with the recorded ones replaced. Without
    // the new ETag in the response the state is unknown (null), and the next write reads first.
    private static AppliedFieldVersions? After(
        AppliedFieldVersions before, IReadOnlyDictionary<string, FieldVersion> applied, List<string> recorded, ETag? etag)
    {
        if (etag is null)
        {
            return null;
        }

        var fields = new Dictionary<string, FieldVersion>(before.Fields, StringComparer.Ordinal);
        foreach (var name in recorded)
        {
            fields[name] = applied[name];
        }

        return new AppliedFieldVersions(before.ProspectId, fields, etag);
    }

    private static string PartitionKey(long prospectId) => prospectId.ToString(CultureInfo.InvariantCulture);

    // Property names must be identifier-like; Outreach attribute names are (camelCase), but anything else is escaped
    // reversibly: a character other than an ASCII letter or digit becomes _XXXX (its UTF-16 code in hex).
    internal static string EncodeName(string field)
    {
        var builder = new StringBuilder(PropertyPrefix, PropertyPrefix.Length + field.Length);
        foreach (var c in field)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('_').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    internal static string DecodeName(string property)
    {
        var builder = new StringBuilder(property.Length);
        for (var i = PropertyPrefix.Length; i < property.Length; i++)
        {
            if (property[i] == '_' && i + 4 < property.Length &&
                int.TryParse(property.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 4;
            }
            else
            {
                builder.Append(property[i]);
            }
        }

        return builder.ToString();
    }
}

/// <summary>Drops fields that would take a prospect back in time, or that Outreach already has.</summary>
public static class StaleFieldFilter
{
    /// <summary>Splits coalesced fields into those to send and the stale or duplicate ones to drop.</summary>
    /// <remarks>
    /// A field is sent only when its version is newer than the applied one. Same version and same value: already
    /// applied (a redelivery), dropped as duplicate. Same version but a different value cannot be ordered; the applied
    /// value stays, so that redelivering either message never flips the field back and forth.
    /// </remarks>
    public static FieldFilterResult Filter(IReadOnlyDictionary<string, CoalescedField> fields, IReadOnlyDictionary<string, FieldVersion> applied)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(applied);
        var fresh = new Dictionary<string, CoalescedField>(StringComparer.Ordinal);
        int stale = 0, duplicate = 0;
        foreach (var (name, field) in fields)
        {
            if (!applied.TryGetValue(name, out var current))
            {
                fresh.Add(name, field);
                continue;
            }

            var order = field.Version.CompareOrder(current);
            if (order > 0)
            {
                fresh.Add(name, field);
            }
            else if (order == 0 && string.Equals(field.Version.ValueHash, current.ValueHash, StringComparison.Ordinal))
            {
                duplicate++;
            }
            else
            {
                stale++;
            }
        }

        return new FieldFilterResult(fresh, stale, duplicate);
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.DryRun;

/// <summary>
/// Stands in for the Outreach client in a dry run (<c>Delivery:DryRun=true</c>): records the PATCH it would have sent and
/// answers "applied" without calling Outreach, so everything else (queue, coalescing, stale filter, budget, counters,
/// field versions) runs as in production.
/// </summary>
/// <remarks>
/// <para>What is recorded: the prospect id and, per field, the length and a truncated SHA-256 of the value's JSON, plus the
/// value itself only when it is one of the mapping's status texts on an audience field (not personal data). Attribute
/// values (names, emails) are personal data, and a dry run is often pointed at production exports, so they are never
/// stored; the fingerprint is enough to check that an expected value would be written (<see cref="Fingerprint"/>).</para>
/// <para>Rows live in the delivery counters table under the partition <c>{connection}|dryrun</c>, newest first.</para>
/// <para>The answer is an <see cref="OutreachCallOutcome.Succeeded"/> marked <see cref="OutreachCallOutcome.Succeeded.DryRun"/> (status
/// <see cref="NotSentStatusCode"/>): the engine counts it as <c>DryRunApplied</c> instead of <c>RequestsSent</c>. Because field versions are recorded as applied, turning the dry
/// run off later does not resend what it already "applied": replay or re-export those profiles.</para>
/// </remarks>
public sealed class DryRunProspectClient(DeliveryTables tables, IOptions<DeliveryOptions> options, TimeProvider time, CompiledMapping? mapping = null)
    : IOutreachProspectClient, IOutreachProspectCreator
{
    /// <summary>The status code of the <see cref="OutreachCallOutcome.Succeeded"/> a dry run returns: no request was sent.</summary>
    public const int NotSentStatusCode = 0;

    private readonly string _partition = (options ?? throw new ArgumentNullException(nameof(options))).Value.ConnectionName + "|dryrun";
    private readonly HashSet<string> _audienceFields = mapping is null
        ? []
        : new HashSet<string>(mapping.Audiences.Select(a => a.FieldName), StringComparer.Ordinal);
    private readonly HashSet<string> _statusTexts = mapping is null
        ? []
        : new HashSet<string>([mapping.Realized.Json, mapping.Existing.Json, mapping.Exited.Json], StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> PatchProspectAsync(long prospectId, IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prospectId);
        return await RecordAsync(prospectId, attributes, cancellationToken);
    }

    /// <summary>Records the create that would have been sent (as prospect 0: it has no id) and answers without one.</summary>
    public Task<OutreachCallOutcome> CreateProspectAsync(IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, long? ownerId, CancellationToken cancellationToken) =>
        RecordAsync(0, attributes, cancellationToken);

    private async Task<OutreachCallOutcome> RecordAsync(long prospectId, IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var now = time.GetUtcNow();
        var fields = attributes.ToDictionary(
            pair => pair.Key,
            pair => Fingerprint(pair.Value, _audienceFields.Contains(pair.Key) && _statusTexts.Contains(pair.Value.Json) ? pair.Value.AsString() : null),
            StringComparer.Ordinal);
        var entity = new TableEntity(_partition, RowKey(now, prospectId))
        {
            ["ProspectId"] = prospectId,
            ["RecordedAt"] = now,
            ["Fields"] = JsonSerializer.Serialize(fields, DeliveryJsonContext.Default.DictionaryStringDryRunValue),
        };
        var table = await tables.ReadyAsync(tables.DeliveryCounters, cancellationToken);
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        return new OutreachCallOutcome.Succeeded(NotSentStatusCode, RateLimitSnapshot.None) { DryRun = true };
    }

    /// <summary>The most recent records, newest first.</summary>
    public async IAsyncEnumerable<DryRunRecord> ReadRecentAsync(int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var table = await tables.ReadyAsync(tables.DeliveryCounters, cancellationToken);
        var returned = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_partition}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            if (returned++ >= max)
            {
                yield break;
            }

            var fields = row.GetString("Fields") is { } json
                ? JsonSerializer.Deserialize(json, DeliveryJsonContext.Default.DictionaryStringDryRunValue) ?? []
                : [];
            yield return new DryRunRecord(row.GetInt64("ProspectId") ?? 0, row.GetDateTimeOffset("RecordedAt") ?? default, fields);
        }
    }

    /// <summary>What a dry run records of a value: its JSON length, a truncated SHA-256 of its JSON, and a status text when allowed.</summary>
    public static DryRunValue Fingerprint(FieldValue value, string? status = null)
    {
        var json = value.Json ?? "null";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        return new DryRunValue(json.Length, Convert.ToHexStringLower(digest.AsSpan(0, 8)), status);
    }

    // Newest first: the row key sorts by inverted time, then prospect.
    private static string RowKey(DateTimeOffset at, long prospectId) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}-{prospectId:D19}");
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Ledger;

/// <summary>
/// Updates Outreach rejected for good, and poisoned messages, in Azure Table storage: each with Outreach's error, the
/// audience and mapping ID it points to, and the update itself so it can be inspected and replayed.
/// </summary>
/// <remarks>
/// <para>
/// Layout: PartitionKey = the error key (Outreach's error id such as <c>validationError</c>, <c>http404</c> when
/// Outreach gave none, <c>deliveryAttemptsExhausted</c> for poison); RowKey = the prospect id (zero-padded) and a
/// fingerprint of the failure (status, error, pointer and the fields sent, not their times). Partitioning by error
/// rather than by hour suits how the ledger is used: after fixing a mapping, an operator lists and replays one
/// kind of error; and the same update failing the same way again (a replay, a redelivery, a re-export) lands on
/// the same row and raises <see cref="FailureLedgerEntry.Occurrences"/> instead of piling up rows. Time-range and
/// audience queries filter on properties server-side; the ledger holds failures only, so it stays small.
/// </para>
/// <para>
/// An update that named its prospect by email carries the masked address (<c>a***@example.com</c>) and its hash
/// (<see cref="EmailHasher"/>) in the columns <c>MaskedEmail</c> and <c>EmailHash</c>, never the address in a key or text.
/// Only an update that was never resolved keeps the address, inside its stored update, so a replay can resolve it.
/// </para>
/// </remarks>
public sealed class FailureLedger(DeliveryTables tables, TimeProvider time, EmailHasher? emailHasher = null)
{
    private readonly EmailHasher _emailHasher = emailHasher ?? EmailHasher.Unkeyed;

    /// <summary>The error key under which poisoned messages are filed.</summary>
    public const string PoisonErrorKey = "deliveryAttemptsExhausted";

    private const int MaxConflictRetries = 16;
    private const int MaxTextLength = 8_000;

    // A table string property holds at most 64 KiB (32K UTF-16 characters); longer updates are split across properties.
    private const int UpdateChunkLength = 30_000;

    /// <summary>Records an update Outreach rejected for good.</summary>
    public Task<FailureLedgerEntry> RecordRejectionAsync(
        ProspectUpdate update, OutreachCallOutcome.Permanent outcome, IReadOnlyList<string> messageIds, int deliveryAttempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(outcome);
        var error = RejectionExplanation.PrimaryError(outcome.Errors);
        var located = error is null ? null : RejectionExplanation.Locate(error, update);
        var failure = new FailureRecord(
            FailureKind.Rejected, ErrorKeyFor(error?.Id, outcome.StatusCode), update, outcome.StatusCode,
            error?.Id, error?.Title, error?.Detail, error?.SourcePointer, located,
            RejectionExplanation.Describe(outcome, update), messageIds, deliveryAttempt);
        return RecordAsync(failure, cancellationToken);
    }

    /// <summary>Records a message whose delivery attempts are exhausted, with the last reason it failed.</summary>
    public Task<FailureLedgerEntry> RecordPoisonAsync(
        ProspectUpdate update, string messageId, int deliveryAttempt, int? lastStatusCode, string lastFailure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var prospect = update.ProspectId > 0 || update.Email is null
            ? string.Create(CultureInfo.InvariantCulture, $"prospect {update.ProspectId}")
            : $"the prospect with email {MaskedEmail.Mask(update.Email)}";
        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"Delivery of {prospect} gave up after {deliveryAttempt} attempts; last failure: {lastFailure}");
        var failure = new FailureRecord(
            FailureKind.Poisoned, PoisonErrorKey, update, lastStatusCode, null, null, lastFailure, null, null, explanation, [messageId], deliveryAttempt);
        return RecordAsync(failure, cancellationToken);
    }

    /// <summary>The error key a query's <see cref="FailureQuery.ErrorId"/> is matched against for an Outreach error.</summary>
    public static string ErrorKeyFor(string? errorId, int? statusCode)
    {
        if (!string.IsNullOrEmpty(errorId) && errorId.Length <= 100 && errorId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return errorId;
        }

        return statusCode is { } status ? string.Create(CultureInfo.InvariantCulture, $"http{status}") : "unknown";
    }

    /// <summary>Lists the entries matching <paramref name="query"/> (in key order).</summary>
    public async IAsyncEnumerable<FailureLedgerEntry> QueryAsync(FailureQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var table = await tables.ReadyAsync(tables.FailureLedger, cancellationToken);
        var returned = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(Filter(query), cancellationToken: cancellationToken))
        {
            if (returned >= query.MaxResults)
            {
                yield break;
            }

            returned++;
            yield return FromEntity(entity);
        }
    }

    /// <summary>Reads one entry; null when it does not exist.</summary>
    public async Task<FailureLedgerEntry?> GetAsync(FailureLedgerKey key, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.FailureLedger, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(key.Partition, key.Row, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? FromEntity(entity) : null;
    }

    /// <summary>Removes an entry (after its update was replayed); false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(FailureLedgerKey key, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.FailureLedger, cancellationToken);
        var response = await table.DeleteEntityAsync(key.Partition, key.Row, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    private async Task<FailureLedgerEntry> RecordAsync(FailureRecord failure, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.FailureLedger, cancellationToken);
        var key = new FailureLedgerKey(failure.ErrorKey, RowKeyFor(failure));
        for (var conflicts = 0; ; conflicts++)
        {
            var now = time.GetUtcNow();
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(key.Partition, key.Row, cancellationToken: cancellationToken);
            var previous = existing.HasValue ? existing.Value : null;
            var entity = ToEntity(key, failure, previous?.GetDateTimeOffset("FirstFailedAt") ?? now, now, (previous?.GetInt32("Occurrences") ?? 0) + 1);
            try
            {
                if (previous is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, previous.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return FromEntity(entity);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412 && conflicts < MaxConflictRetries)
            {
                // The same failure recorded (or replayed and deleted) concurrently by another process: re-read and count both.
            }
        }
    }

    private static string? Filter(FailureQuery query)
    {
        var parts = new List<string>();
        if (query.ErrorId is not null)
        {
            parts.Add(TableClient.CreateQueryFilter($"PartitionKey eq {ErrorKeyFor(query.ErrorId, null)}"));
        }

        if (query.From is { } from)
        {
            parts.Add(TableClient.CreateQueryFilter($"LastFailedAt ge {from}"));
        }

        if (query.To is { } to)
        {
            parts.Add(TableClient.CreateQueryFilter($"LastFailedAt lt {to}"));
        }

        if (query.AudienceId is not null)
        {
            parts.Add(TableClient.CreateQueryFilter($"AudienceId eq {query.AudienceId}"));
        }

        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }

    private string RowKeyFor(FailureRecord failure)
    {
        var text = new StringBuilder()
            .Append(failure.Kind).Append('\n')
            .Append(failure.StatusCode?.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(failure.ErrorId).Append('\n')
            .Append(failure.SourcePointer).Append('\n');
        foreach (var (name, change) in failure.Update.Fields.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(change.Value.Json).Append('\n');
        }

        // Updates not yet resolved all have prospect id 0: the email tells them apart.
        if (failure.Update.Email is { } email)
        {
            text.Append("email=").Append(_emailHasher.Hash(email)).Append('\n');
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return failure.Update.ProspectId.ToString("D19", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(digest.AsSpan(0, 12));
    }

    private TableEntity ToEntity(FailureLedgerKey key, FailureRecord failure, DateTimeOffset first, DateTimeOffset last, int occurrences)
    {
        var entity = new TableEntity(key.Partition, key.Row)
        {
            ["Kind"] = failure.Kind.ToString(),
            ["ProspectId"] = failure.Update.ProspectId,
            ["Explanation"] = Truncate(failure.Explanation),
            ["MessageIds"] = JsonSerializer.Serialize(failure.MessageIds.ToArray(), DeliveryJsonContext.Default.StringArray),
            ["FirstFailedAt"] = first,
            ["LastFailedAt"] = last,
            ["Occurrences"] = occurrences,
            ["DeliveryAttempts"] = failure.DeliveryAttempt,
        };
        SetIfPresent(entity, "StatusCode", failure.StatusCode);
        SetIfPresent(entity, "ErrorId", failure.ErrorId);
        SetIfPresent(entity, "ErrorTitle", Truncate(failure.ErrorTitle));
        SetIfPresent(entity, "ErrorDetail", Truncate(failure.ErrorDetail));
        SetIfPresent(entity, "SourcePointer", Truncate(failure.SourcePointer));
        SetIfPresent(entity, "Field", failure.Located?.Field);
        SetIfPresent(entity, "AudienceId", failure.Located?.AudienceId);
        SetIfPresent(entity, "MappingId", failure.Located?.MappingId);
        if (failure.Update.Email is { } email)
        {
            entity["MaskedEmail"] = MaskedEmail.Mask(email);
            entity["EmailHash"] = _emailHasher.Hash(email);
        }

        var update = ProspectUpdateFormat.SerializeToString(failure.Update);
        for (int offset = 0, part = 0; offset < update.Length; offset += UpdateChunkLength, part++)
        {
            var name = part == 0 ? "Update" : string.Create(CultureInfo.InvariantCulture, $"Update{part}");
            entity[name] = update.Substring(offset, Math.Min(UpdateChunkLength, update.Length - offset));
        }

        return entity;
    }

    private static FailureLedgerEntry FromEntity(TableEntity entity)
    {
        var update = new StringBuilder(entity.GetString("Update"));
        for (var part = 1; entity.GetString(string.Create(CultureInfo.InvariantCulture, $"Update{part}")) is { } chunk; part++)
        {
            update.Append(chunk);
        }

        var field = entity.GetString("Field");
        var located = field is null ? null : new RejectedField(field, entity.GetString("AudienceId"), entity.GetInt32("MappingId"));
        var messageIds = entity.GetString("MessageIds") is { } ids ? JsonSerializer.Deserialize(ids, DeliveryJsonContext.Default.StringArray) ?? [] : [];
        return new FailureLedgerEntry(
            new FailureLedgerKey(entity.PartitionKey, entity.RowKey),
            Enum.TryParse<FailureKind>(entity.GetString("Kind"), out var kind) ? kind : FailureKind.Rejected,
            entity.GetInt64("ProspectId") ?? 0,
            entity.GetInt32("StatusCode"),
            entity.GetString("ErrorId"),
            entity.GetString("ErrorTitle"),
            entity.GetString("ErrorDetail"),
            entity.GetString("SourcePointer"),
            located?.Field,
            located?.AudienceId,
            located?.MappingId,
            entity.GetString("Explanation") ?? string.Empty,
            ProspectUpdateFormat.Deserialize(update.ToString()),
            messageIds,
            entity.GetDateTimeOffset("FirstFailedAt") ?? default,
            entity.GetDateTimeOffset("LastFailedAt") ?? default,
            entity.GetInt32("Occurrences") ?? 0,
            entity.GetInt32("DeliveryAttempts") ?? 0)
        {
            MaskedEmail = entity.GetString("MaskedEmail"),
            EmailHash = entity.GetString("EmailHash"),
        };
    }

    private static void SetIfPresent(TableEntity entity, string name, object? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    private static string? Truncate(string? text) => text is { Length: > MaxTextLength } ? text[..MaxTextLength] + "…" : text;

    private sealed record FailureRecord(
        FailureKind Kind,
        string ErrorKey,
        ProspectUpdate Update,
        int? StatusCode,
        string? ErrorId,
        string? ErrorTitle,
        string? ErrorDetail,
        string? SourcePointer,
        RejectedField? Located,
        string Explanation,
        IReadOnlyList<string> MessageIds,
        int DeliveryAttempt);
}

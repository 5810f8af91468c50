using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Enrolment's own state in <c>{prefix}SequenceEnrolments</c>: one row per (prospect, sequence) saying what was done
/// (<see cref="EnrolmentRecord"/>), the entries waiting to be sent (partition <c>pending</c>), the bulk batches not read
/// yet (partition <c>batches</c>) and the exits still owed (partition <c>exits</c>, kept by <see cref="SequenceExitActions"/>).
/// </summary>
/// <remarks>
/// Each entry enrols at most once: a row moves to <see cref="EnrolmentStates.Pending"/> and then to
/// <see cref="EnrolmentStates.Enrolling"/> only by a conditional write (insert-if-absent, or an update with the ETag read),
/// so of two drainers handling AEP's repeats of one profile, or sweeping the same waiting entry, exactly one wins; the
/// other finds the row moved on and does nothing. Rows are keyed by ids only: no personal data.
/// </remarks>
public sealed class EnrolmentStore(DeliveryTables tables, TimeProvider time)
{
    private const string PendingPartition = "pending";
    private const string BatchesPartition = "batches";

    /// <summary>The partition of the exits still owed (<see cref="SequenceExitActions"/>).</summary>
    internal const string OwedExitsPartition = "exits";

    /// <summary>The enrolment table, created if needed.</summary>
    internal Task<TableClient> TableAsync(CancellationToken cancellationToken) => tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);

    /// <summary>The row of <paramref name="prospectId"/> in <paramref name="sequenceId"/>, or null when nothing was done yet.</summary>
    public async Task<EnrolmentRecord?> ReadAsync(long prospectId, long sequenceId, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition(sequenceId), Row(prospectId), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } row ? Record(row) : null;
    }

    /// <summary>
    /// Records an entry as pending (the row created, or moved from <paramref name="current"/> with its ETag) and queues it;
    /// false when another writer moved the row first (it acts on the entry).
    /// </summary>
    public async Task<bool> TryEnterAsync(EnrolmentRecord? current, PendingEnrolment entry, DateTimeOffset entryAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var row = new TableEntity(Partition(entry.SequenceId), Row(entry.ProspectId))
        {
            ["State"] = EnrolmentStates.Pending,
            ["EntryAt"] = entryAt,
            ["ExitAt"] = current?.ExitAt,
            ["MappingId"] = entry.MappingId,
            ["MailboxId"] = entry.MailboxId,
            ["ChangedAt"] = time.GetUtcNow(),
        };
        if (!await TryWriteAsync(table, row, current?.ETag, cancellationToken))
        {
            return false;
        }

        await WaitAsync([entry], entry.Why, cancellationToken);
        return true;
    }

    /// <summary>
    /// <c>Delivery__DryRun</c>: records an entry as <see cref="EnrolmentStates.Planned"/> (nothing queued, nothing sent);
    /// false when another writer moved the row first.
    /// </summary>
    public async Task<bool> TryPlanAsync(EnrolmentRecord? current, PendingEnrolment entry, DateTimeOffset entryAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var row = new TableEntity(Partition(entry.SequenceId), Row(entry.ProspectId))
        {
            ["State"] = EnrolmentStates.Planned,
            ["EntryAt"] = entryAt,
            ["ExitAt"] = current?.ExitAt,
            ["MappingId"] = entry.MappingId,
            ["MailboxId"] = entry.MailboxId,
            ["ChangedAt"] = time.GetUtcNow(),
        };
        return await TryWriteAsync(table, row, current?.ETag, cancellationToken);
    }

    /// <summary>
    /// Records an exit at <paramref name="exitAt"/> (the row created, or moved from <paramref name="current"/> with its ETag)
    /// and drops the entry from the waiting ones; false when another writer moved the row first.
    /// </summary>
    public async Task<bool> TryExitAsync(long prospectId, long sequenceId, EnrolmentRecord? current, DateTimeOffset exitAt, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var row = new TableEntity(Partition(sequenceId), Row(prospectId))
        {
            ["State"] = EnrolmentStates.Exited,
            ["EntryAt"] = current?.EntryAt,
            ["ExitAt"] = exitAt,
            ["Reason"] = current?.State,
            ["ChangedAt"] = time.GetUtcNow(),
        };
        if (!await TryWriteAsync(table, row, current?.ETag, cancellationToken))
        {
            return false;
        }

        if (current?.State == EnrolmentStates.Pending)
        {
            await RemovePendingAsync([new PendingEnrolment(prospectId, sequenceId, 0, 0, exitAt, PendingReasons.New)], cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Whether anything waits: an entry to send, a batch to read or an owed exit that is due. One query that stops at the
    /// first row, so that the sweep costs one table request when nothing waits.
    /// </summary>
    public async Task<bool> AnythingWaitsAsync(CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {PendingPartition} or PartitionKey eq {BatchesPartition} or (PartitionKey eq {OwedExitsPartition} and NextAt le {time.GetUtcNow()})");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            if (page.Values.Count > 0)
            {
                return true;
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>The entries waiting to be sent, oldest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<PendingEnrolment>> PendingAsync(int max, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var found = new List<PendingEnrolment>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == PendingPartition, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            found.Add(new PendingEnrolment(
                row.GetInt64("ProspectId") ?? 0,
                row.GetInt64("SequenceId") ?? 0,
                row.GetInt64("MailboxId") ?? 0,
                row.GetInt32("MappingId") ?? 0,
                row.GetDateTimeOffset("Since") ?? time.GetUtcNow(),
                row.GetString("Why") ?? PendingReasons.New));
            if (found.Count >= max)
            {
                break;
            }
        }

        return [.. found.OrderBy(e => e.Since)];
    }

    /// <summary>Queues (or re-queues) entries as waiting for <paramref name="why"/>, keeping when each started waiting.</summary>
    public async Task WaitAsync(IReadOnlyCollection<PendingEnrolment> entries, string why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        foreach (var chunk in entries.Chunk(100))
        {
            var actions = chunk.Select(entry => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(PendingPartition, PendingRow(entry))
            {
                ["ProspectId"] = entry.ProspectId,
                ["SequenceId"] = entry.SequenceId,
                ["MailboxId"] = entry.MailboxId,
                ["MappingId"] = entry.MappingId,
                ["Since"] = entry.Since,
                ["Why"] = why,
            })).ToList();
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    /// <summary>
    /// Moves a waiting entry's row to <see cref="EnrolmentStates.Enrolling"/> (conditional on its ETag); false when it is
    /// no longer pending (another drainer started it, or it exited): then it is no longer queued either.
    /// </summary>
    public async Task<bool> TryStartAsync(PendingEnrolment entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition(entry.SequenceId), Row(entry.ProspectId), cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } row || row.GetString("State") != EnrolmentStates.Pending)
        {
            await RemovePendingAsync([entry], cancellationToken);
            return false;
        }

        row["State"] = EnrolmentStates.Enrolling;
        row["ChangedAt"] = time.GetUtcNow();
        return await TryWriteAsync(table, row, row.ETag, cancellationToken);
    }

    /// <summary>Takes entries off the waiting ones (already gone is fine).</summary>
    public async Task RemovePendingAsync(IReadOnlyCollection<PendingEnrolment> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            await DeleteRowAsync(PendingPartition, PendingRow(entry), cancellationToken);
        }
    }

    /// <summary>
    /// Writes the outcome of an enrolment this drainer started, if the row is still <see cref="EnrolmentStates.Enrolling"/>
    /// (an exit recorded meanwhile stays); true when written, so each outcome is counted once across drainers.
    /// </summary>
    public async Task<bool> SettleAsync(PendingEnrolment entry, string state, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition(entry.SequenceId), Row(entry.ProspectId), cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } row || row.GetString("State") != EnrolmentStates.Enrolling)
        {
            return false;
        }

        row["State"] = state;
        row["Reason"] = reason;
        row["ChangedAt"] = time.GetUtcNow();
        return await TryWriteAsync(table, row, row.ETag, cancellationToken);
    }

    /// <summary>Puts a started entry back to waiting (its send did not happen or must be repeated).</summary>
    public async Task ReturnAsync(IReadOnlyCollection<PendingEnrolment> entries, string why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            await SettleAsync(entry, EnrolmentStates.Pending, why, cancellationToken);
        }

        await WaitAsync(entries, why, cancellationToken);
    }

    /// <summary>Remembers a batch Outreach accepted, before it is followed, so that a later batch reads it if this one cannot.</summary>
    public async Task AddBatchAsync(EnrolmentBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(BatchesPartition, batch.BatchId.ToString(CultureInfo.InvariantCulture))
            {
                ["SequenceId"] = batch.SequenceId,
                ["MailboxId"] = batch.MailboxId,
                ["Entries"] = batch.EntriesText,
                ["SubmittedAt"] = batch.SubmittedAt,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>The batches not read yet.</summary>
    public async Task<IReadOnlyList<EnrolmentBatch>> BatchesAsync(CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        var found = new List<EnrolmentBatch>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == BatchesPartition, cancellationToken: cancellationToken))
        {
            var (sequence, mailbox, at) = (row.GetInt64("SequenceId") ?? 0, row.GetInt64("MailboxId") ?? 0, row.GetDateTimeOffset("SubmittedAt") ?? time.GetUtcNow());
            found.Add(new EnrolmentBatch(long.Parse(row.RowKey, CultureInfo.InvariantCulture), sequence, mailbox, EnrolmentBatch.ParseEntries(row.GetString("Entries"), sequence, mailbox, at), at));
        }

        return found;
    }

    /// <summary>Forgets a batch once its items are read.</summary>
    public Task RemoveBatchAsync(long batchId, CancellationToken cancellationToken) =>
        DeleteRowAsync(BatchesPartition, batchId.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Deletes one row of the enrolment table; a row already gone (another drainer took it first) is fine.</summary>
    internal async Task DeleteRowAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.SequenceEnrolments, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    private static async Task<bool> TryWriteAsync(TableClient table, TableEntity row, ETag? etag, CancellationToken cancellationToken)
    {
        try
        {
            if (etag is { } version)
            {
                await table.UpdateEntityAsync(row, version, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(row, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    private static EnrolmentRecord Record(TableEntity row) => new(
        long.Parse(row.RowKey.AsSpan(1), CultureInfo.InvariantCulture),
        long.Parse(row.PartitionKey.AsSpan(1), CultureInfo.InvariantCulture),
        row.GetString("State") ?? EnrolmentStates.Exited,
        row.GetDateTimeOffset("EntryAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("ExitAt"),
        row.GetString("Reason"),
        row.ETag);

    private static string Partition(long sequenceId) => string.Create(CultureInfo.InvariantCulture, $"s{sequenceId}");

    private static string Row(long prospectId) => string.Create(CultureInfo.InvariantCulture, $"p{prospectId}");

    private static string PendingRow(PendingEnrolment entry) => string.Create(CultureInfo.InvariantCulture, $"s{entry.SequenceId}-p{entry.ProspectId}");
}

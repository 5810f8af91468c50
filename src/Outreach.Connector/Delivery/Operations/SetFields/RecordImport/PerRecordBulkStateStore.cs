using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>
/// Keeps <see cref="PerRecordBulkState"/> in Table storage, so every drainer (and health, and the status page) agrees
/// whether imports are in use on the connection.
/// </summary>
/// <remarks>
/// One row (<see cref="RowKey"/>) in the delivery counters table under the connection's activity partition
/// (<c>{connection}|activity</c>, as <c>Monitoring/DeliveryActivityStore</c> keeps "last batch"), so the status page's
/// one read of that partition finds it and no table is added. Changes are read-modify-write with the row's ETag: two
/// drainers recording a verdict at once both count.
/// </remarks>
public sealed class PerRecordBulkStateStore(DeliveryTables tables, IOptions<DeliveryOptions> options)
{
    /// <summary>The row's key in the activity partition.</summary>
    public const string RowKey = "perRecordBulk";

    private const int MaxAttempts = 5;
    private readonly string _partition = options.Value.ConnectionName + "|activity";

    /// <summary>The state stored, or null when no import was ever tried on this connection.</summary>
    public async Task<PerRecordBulkState?> ReadAsync(CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.DeliveryCounters, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(_partition, RowKey, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Applies <paramref name="change"/> to the stored state (null when none) and stores what it returns; returns it.</summary>
    public async Task<PerRecordBulkState> UpdateAsync(Func<PerRecordBulkState?, PerRecordBulkState> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var table = await tables.ReadyAsync(tables.DeliveryCounters, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(_partition, RowKey, cancellationToken: cancellationToken);
            var next = change(row.HasValue ? FromEntity(row.Value!) : null);
            var entity = ToEntity(next);
            try
            {
                if (row.HasValue)
                {
                    await table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return next;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another drainer changed the row in between: apply the change to what it wrote.
            }
        }
    }

    /// <summary>Reads the state from its row (also used by the status page's read of the activity partition).</summary>
    public static PerRecordBulkState FromEntity(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new PerRecordBulkState(
            row.GetString("Mode") ?? "auto",
            row.GetDateTimeOffset("AuthorizedAt"),
            Enum.TryParse<PerRecordBulkPhase>(row.GetString("Phase"), out var phase) ? phase : PerRecordBulkPhase.Trial,
            row.GetInt32("ConsecutiveUnconfirmed") ?? 0,
            row.GetString("Reason"),
            row.GetDateTimeOffset("ChangedAt") ?? DateTimeOffset.MinValue);
    }

    private TableEntity ToEntity(PerRecordBulkState state) => new(_partition, RowKey)
    {
        ["Mode"] = state.Mode,
        ["AuthorizedAt"] = state.AuthorizedAt,
        ["Phase"] = state.Phase.ToString(),
        ["ConsecutiveUnconfirmed"] = state.ConsecutiveUnconfirmed,
        ["Reason"] = state.Reason,
        ["ChangedAt"] = state.ChangedAt,
    };
}

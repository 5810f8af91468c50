using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// When delivery last worked on a batch, how old its oldest update was, and when each audience's field was last written:
/// the "last updated" facts of the status page, shared by every instance.
/// </summary>
/// <remarks>
/// Kept in the delivery counters table under its own partition (<c>{connection}|activity</c>), so no extra table or
/// registration is needed; the counters' reads filter on the connection's own partition and never see these rows.
/// Writes are unconditional merges (last writer wins): two instances racing can leave a time a batch older than the
/// newest, which is precise enough for "last written". One transaction per batch.
/// </remarks>
public sealed class DeliveryActivityStore(DeliveryTables tables, IOptions<DeliveryOptions> options)
{
    private const string DeliveryRow = "delivery";
    private const string AudienceRowPrefix = "audience-";
    private const int MaxActionsPerTransaction = 100;
    private readonly string _partition = (options ?? throw new ArgumentNullException(nameof(options))).Value.ConnectionName + "|activity";

    /// <summary>Records a batch worked on at <paramref name="at"/> and the audiences whose fields it wrote.</summary>
    public async Task RecordBatchAsync(DateTimeOffset at, TimeSpan oldestUpdateAge, IReadOnlyCollection<string> audiencesWritten, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audiencesWritten);
        var table = await tables.ReadyAsync(tables.DeliveryCounters, cancellationToken);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpsertMerge, new TableEntity(_partition, DeliveryRow)
            {
                ["LastBatchAt"] = at,
                ["QueueLagMs"] = (long)Math.Max(0, oldestUpdateAge.TotalMilliseconds),
            }),
        };
        foreach (var audienceId in audiencesWritten)
        {
            actions.Add(new(TableTransactionActionType.UpsertMerge, new TableEntity(_partition, AudienceRowPrefix + RowSafe(audienceId))
            {
                ["AudienceId"] = audienceId,
                ["LastWrittenAt"] = at,
            }));
        }

        foreach (var chunk in actions.Chunk(MaxActionsPerTransaction))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }

    /// <summary>Reads the last batch and the last write time of every audience written so far.</summary>
    public async Task<DeliveryActivity> ReadAsync(CancellationToken cancellationToken)
    {
        var table = await tables.ReadyAsync(tables.DeliveryCounters, cancellationToken);
        DateTimeOffset? lastBatch = null;
        TimeSpan? lag = null;
        var audiences = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        PerRecordBulkState? perRecordBulk = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_partition}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == DeliveryRow)
            {
                lastBatch = row.GetDateTimeOffset("LastBatchAt");
                lag = row.GetInt64("QueueLagMs") is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
            }
            else if (row.RowKey == PerRecordBulkStateStore.RowKey)
            {
                perRecordBulk = PerRecordBulkStateStore.FromEntity(row);
            }
            else if (row.GetString("AudienceId") is { } audienceId && row.GetDateTimeOffset("LastWrittenAt") is { } writtenAt)
            {
                audiences[audienceId] = writtenAt;
            }
        }

        return new DeliveryActivity(lastBatch, lag, audiences) { PerRecordBulk = perRecordBulk };
    }

    // RowKeys may not hold / \ # ? or control characters; audience ids are GUIDs in practice.
    private static string RowSafe(string audienceId) =>
        string.Create(audienceId.Length, audienceId, (span, id) =>
        {
            for (var i = 0; i < id.Length; i++)
            {
                span[i] = id[i] is '/' or '\\' or '#' or '?' || char.IsControl(id[i]) ? '_' : id[i];
            }
        });

    /// <summary>Formats a lag for messages.</summary>
    internal static string Describe(TimeSpan lag) => lag.TotalSeconds < 90
        ? string.Create(CultureInfo.InvariantCulture, $"{lag.TotalSeconds:0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{lag.TotalMinutes:0} min");
}

/// <summary>What <see cref="DeliveryActivityStore"/> holds.</summary>
/// <param name="LastBatchAt">When delivery last worked on a batch; null when it never did.</param>
/// <param name="QueueLag">The age of the oldest update of that batch.</param>
/// <param name="AudienceLastWrittenAt">Audience id to when its field was last written to a prospect.</param>
public sealed record DeliveryActivity(DateTimeOffset? LastBatchAt, TimeSpan? QueueLag, IReadOnlyDictionary<string, DateTimeOffset> AudienceLastWrittenAt)
{
    /// <summary>Per-record bulk writes on the connection (kept in the same partition); null when no import was ever tried.</summary>
    public PerRecordBulkState? PerRecordBulk { get; init; }
}

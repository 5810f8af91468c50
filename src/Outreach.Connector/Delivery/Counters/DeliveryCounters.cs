using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Counters;

/// <summary>Hourly counters of a connection (received, applied, stale, failed by error id…) in Azure Table storage.</summary>
/// <remarks>
/// <para>
/// Layout: PartitionKey = connection; RowKey = <c>yyyyMMddHH-{writer}</c>, one row per hour per writer (each
/// instance of this class is a writer), one Int64 property per counter. Reads sum the writers' rows of an hour
/// (one range query for the last N hours).
/// </para>
/// <para>
/// Why per-writer rows rather than one row per hour merged with ETag-conditional increments: ingest and every
/// drainer increment counters on every request and batch, so a single hot row would turn into a storm of 412 retries
/// as instances scale out. A writer's row is written only by its writer, so conditional writes do not conflict
/// across processes; inside a process, concurrent increments are group-committed (whoever holds the write slot
/// writes everything pending), so a busy ingest endpoint costs one table write at a time, not one per request.
/// The writes stay ETag-conditional, so even a writer that lost a response never double counts on retry.
/// </para>
/// </remarks>
public sealed class DeliveryCounters
{
    private const int MaxConflictRetries = 16;
    private const int CachedHours = 3;

    private readonly DeliveryTables _tables;
    private readonly string _connection;
    private readonly TimeProvider _time;
    private readonly string _writerId = Guid.NewGuid().ToString("N")[..16];
    private readonly Lock _pendingLock = new();
    private readonly SemaphoreSlim _writeSlot = new(1, 1);
    private readonly Dictionary<string, WriterRow> _rows = new(StringComparer.Ordinal);
    private PendingIncrements _pending = new();

    /// <summary>Creates a writer for the configured connection.</summary>
    public DeliveryCounters(DeliveryTables tables, IOptions<DeliveryOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _connection = options.Value.ConnectionName;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The RowKey prefix of an hour: <c>yyyyMMddHH</c> in UTC.</summary>
    public static string HourKey(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>Adds to counters of the current hour.</summary>
    public Task IncrementAsync(IReadOnlyDictionary<string, long> increments, CancellationToken cancellationToken) =>
        IncrementAsync(_time.GetUtcNow(), increments, cancellationToken);

    /// <summary>Adds to counters of the hour that contains <paramref name="hour"/>. Names must satisfy <see cref="DeliveryCounterNames.IsValid"/>.</summary>
    /// <remarks>Returns once the increments are stored. An increment whose caller is cancelled while waiting may still be stored.</remarks>
    public async Task IncrementAsync(DateTimeOffset hour, IReadOnlyDictionary<string, long> increments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increments);
        var invalid = increments.Keys.FirstOrDefault(name => !DeliveryCounterNames.IsValid(name));
        if (invalid is not null)
        {
            throw new ArgumentException($"Counter name '{invalid}' is not a valid table property name.", nameof(increments));
        }

        if (increments.All(pair => pair.Value == 0))
        {
            return;
        }

        PendingIncrements mine;
        lock (_pendingLock)
        {
            mine = _pending;
            mine.Add(HourKey(hour), increments);
        }

        await _writeSlot.WaitAsync(cancellationToken);
        try
        {
            if (!mine.Taken)
            {
                // Nobody has written our increments yet: write them, with everything else pending.
                lock (_pendingLock)
                {
                    mine.Taken = true;
                    _pending = new PendingIncrements();
                }

                try
                {
                    // Not the caller's token: the batch carries other callers' increments too.
                    await WriteAsync(mine.ByHour, CancellationToken.None);
                    mine.Written.SetResult();
                }
                catch (Exception ex)
                {
                    // Every caller waiting on this batch learns of the failure through Written (the writer too, below).
                    mine.Written.SetException(ex);
                }
            }
        }
        finally
        {
            _writeSlot.Release();
        }

        await mine.Written.Task;
    }

    /// <summary>The counters of the last <paramref name="hours"/> hours, oldest first, the current hour last; hours without counts are empty.</summary>
    public async Task<IReadOnlyList<HourlyCounters>> ReadLastHoursAsync(int hours, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hours);
        var now = _time.GetUtcNow();
        var currentHour = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, now.UtcDateTime.Day, now.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        var first = currentHour.AddHours(-(hours - 1));
        var totals = new SortedDictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        for (var hour = first; hour <= currentHour; hour = hour.AddHours(1))
        {
            totals[HourKey(hour)] = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        var table = await _tables.ReadyAsync(_tables.DeliveryCounters, cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {_connection} and RowKey ge {HourKey(first)} and RowKey lt {HourKey(currentHour.AddHours(1))}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey.Length < 10 || !totals.TryGetValue(row.RowKey[..10], out var hourTotals))
            {
                continue;
            }

            foreach (var (name, value) in row)
            {
                if (value is long or int && DeliveryCounterNames.IsValid(name))
                {
                    hourTotals[name] = hourTotals.GetValueOrDefault(name) + Convert.ToInt64(value, CultureInfo.InvariantCulture);
                }
            }
        }

        return totals.Select(pair => new HourlyCounters(
            DateTimeOffset.ParseExact(pair.Key, "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            pair.Value)).ToList();
    }

    // Called only by the holder of the write slot, so the row cache needs no lock.
    private async Task WriteAsync(Dictionary<string, Dictionary<string, long>> byHour, CancellationToken cancellationToken)
    {
        var table = await _tables.ReadyAsync(_tables.DeliveryCounters, cancellationToken);
        foreach (var (hour, increments) in byHour)
        {
            var rowKey = hour + "-" + _writerId;
            for (var conflicts = 0; ; conflicts++)
            {
                if (!_rows.TryGetValue(hour, out var row))
                {
                    var existing = await table.GetEntityIfExistsAsync<TableEntity>(_connection, rowKey, cancellationToken: cancellationToken);
                    row = existing.HasValue && existing.Value is { } entity ? WriterRow.From(entity) : new WriterRow(null, new Dictionary<string, long>(StringComparer.Ordinal));
                }

                var update = new TableEntity(_connection, rowKey);
                var totals = new Dictionary<string, long>(row.Totals, StringComparer.Ordinal);
                foreach (var (name, amount) in increments)
                {
                    totals[name] = totals.GetValueOrDefault(name) + amount;
                    update[name] = totals[name];
                }

                try
                {
                    var response = row.ETag is { } etag
                        ? await table.UpdateEntityAsync(update, etag, TableUpdateMode.Merge, cancellationToken)
                        : await table.AddEntityAsync(update, cancellationToken);
                    _rows[hour] = new WriterRow(response.Headers.ETag, totals);
                    break;
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412 && conflicts < MaxConflictRetries)
                {
                    // Our cached row is behind storage (a write whose response was lost): read it again.
                    _rows.Remove(hour);
                }
                catch (RequestFailedException)
                {
                    // The outcome is unknown: forget the cached row so the next write starts from storage.
                    _rows.Remove(hour);
                    throw;
                }
            }
        }

        foreach (var old in _rows.Keys.Order(StringComparer.Ordinal).SkipLast(CachedHours).ToList())
        {
            _rows.Remove(old);
        }
    }

    private sealed record WriterRow(ETag? ETag, Dictionary<string, long> Totals)
    {
        public static WriterRow From(TableEntity entity)
        {
            var totals = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, value) in entity)
            {
                if (value is long or int && DeliveryCounterNames.IsValid(name))
                {
                    totals[name] = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                }
            }

            return new WriterRow(entity.ETag, totals);
        }
    }

    // Increments waiting for the write slot; whoever takes them writes them all and completes Written for everyone.
    private sealed class PendingIncrements
    {
        public Dictionary<string, Dictionary<string, long>> ByHour { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Taken { get; set; }

        public void Add(string hour, IReadOnlyDictionary<string, long> increments)
        {
            if (!ByHour.TryGetValue(hour, out var totals))
            {
                totals = new Dictionary<string, long>(StringComparer.Ordinal);
                ByHour.Add(hour, totals);
            }

            foreach (var (name, amount) in increments)
            {
                if (amount != 0)
                {
                    totals[name] = totals.GetValueOrDefault(name) + amount;
                }
            }
        }
    }
}

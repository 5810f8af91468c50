using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// The one request budget shared by every drainer of a connection (threads, processes, Function instances), kept in
/// one Azure Table entity and changed only with ETag-conditional writes.
/// </summary>
/// <remarks>
/// <para>
/// Drainers take permits in small leases (up to <see cref="DeliveryOptions.MaxPermitsPerLease"/> per round trip)
/// and give back what they did not use. A window allows <see cref="DeliveryOptions.RequestsPerWindow"/> less
/// <see cref="DeliveryOptions.SafetyMargin"/>; with the defaults that is 99 % of Outreach's limit, above the 98 %
/// goal, while the margin absorbs requests in flight across a window roll and use we learn about late.
/// </para>
/// <para>
/// Pacing (<see cref="DeliveryOptions.PacingMode"/>, the <see cref="BudgetRules"/> chosen once here): spread by default, because Outreach's window may be rolling
/// (UNCONFIRMED) and a burst at every fixed reset would then be refused; spread pacing keeps every interval of one
/// window length under the limit either way, and with a backlog still uses the whole allowance.
/// </para>
/// <para>
/// Outreach's headers correct the budget after every response (<see cref="ObserveAsync"/>) and a 429 blocks it for
/// everyone (<see cref="BlockAsync"/>). A write happens only when something changes, and the entity is cached
/// between calls, so the common case costs one conditional write per lease and no extra read.
/// </para>
/// </remarks>
public sealed partial class RequestBudget : IRateLimitObserver
{
    private const string RowKey = "budget";

    // Each conflict means another drainer changed the budget, so retries always make progress; the cap only guards
    // against a storage layer that keeps failing writes.
    private const int MaxConflictRetries = 64;

    private readonly DeliveryTables _tables;
    private readonly DeliveryOptions _options;
    private readonly BudgetRules _rules;
    private readonly TimeProvider _time;
    private readonly ILogger<RequestBudget> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private StoredState? _cached;

    /// <summary>Creates the budget of the configured connection.</summary>
    public RequestBudget(DeliveryTables tables, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<RequestBudget> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _options = options.Value;
        _rules = BudgetRules.For(_options);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Takes up to <paramref name="wanted"/> permits; 0 granted (with the time the next one is due) when none is available.</summary>
    public async Task<PermitGrant> TryAcquireAsync(int wanted, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wanted);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var readFresh = _cached is null;
            for (var conflicts = 0; ; conflicts++)
            {
                var stored = _cached ?? await ReadAsync(cancellationToken);
                var now = _time.GetUtcNow();
                var state = stored.State.AdvanceTo(now, _rules);
                var granted = Math.Min(wanted, state.Available(now, _rules));
                if (granted == 0)
                {
                    if (!readFresh)
                    {
                        // Our cached copy may predate permits others gave back: look once more before saying no.
                        _cached = null;
                        readFresh = true;
                        continue;
                    }

                    return new PermitGrant(0, state.WindowStart, state.NextPermitAt(now, _rules));
                }

                var taken = state.Take(granted, _rules);
                if (await TryWriteAsync(stored, taken, conflicts, cancellationToken))
                {
                    return new PermitGrant(granted, taken.WindowStart, now);
                }

                readFresh = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The rules chosen at start from <see cref="DeliveryOptions.PacingMode"/>.</summary>
    internal BudgetRules Rules => _rules;

    /// <summary>Opens a purse: permits leased from this budget by the one <see cref="PermitTaker"/>; failures of the budget's storage are logged to <paramref name="logger"/>.</summary>
    public PermitPurse OpenPurse(ILogger logger) => new PermitTaker(this, _options, _time).OpenPurse(logger);

    /// <summary>Gives back permits of <paramref name="grant"/>'s window that were not used, so other drainers can use them.</summary>
    public Task ReleaseAsync(int unused, PermitGrant grant, CancellationToken cancellationToken) =>
        unused <= 0
            ? Task.CompletedTask
            : ChangeAsync((state, _) => state.Release(unused, grant.WindowStart, _rules), cancellationToken);

    /// <summary>
    /// Corrects the budget with the rate-limit headers of an Outreach answer, whatever the operation (the Outreach HTTP
    /// pipeline's rate-limit handler calls this for every answer); writes only when they change it.
    /// </summary>
    /// <remarks>Storage failures are logged and absorbed: the answer is what matters for the caller, and the next one corrects the budget again.</remarks>
    public async Task ObserveAsync(RateLimitSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await CorrectAsync(snapshot, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            DeliveryLog.BudgetCorrectionFailed(_logger, ex);
        }
    }

    private Task CorrectAsync(RateLimitSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot == RateLimitSnapshot.None)
        {
            return Task.CompletedTask;
        }

        return ChangeAsync(
            (state, now) =>
            {
                var corrected = state.Correct(snapshot, now, _rules);
                if (!ReferenceEquals(corrected, state))
                {
                    LogCorrected(_logger, _options.ConnectionName, snapshot.Limit, snapshot.Remaining, snapshot.ResetAt, state.Used, corrected.Used, corrected.WindowStart);
                }

                return corrected;
            },
            cancellationToken);
    }

    /// <summary>After a 429: no drainer of the connection gets a permit before <paramref name="retryAt"/>. Returns when sending may resume.</summary>
    public async Task<DateTimeOffset> BlockAsync(DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        var blocked = await ChangeAsync((state, now) => state.Block(retryAt, now, _rules), cancellationToken);
        var until = blocked.BlockedUntil ?? retryAt;
        LogBlocked(_logger, _options.ConnectionName, until);
        return until;
    }

    /// <summary>Reads the budget as it stands now (always from storage).</summary>
    public async Task<BudgetStatus> ReadStatusAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await ReadAsync(cancellationToken);
            var now = _time.GetUtcNow();
            var state = stored.State.AdvanceTo(now, _rules);
            return new BudgetStatus(
                state.WindowStart, state.WindowEnd(_rules), state.Used, state.Available(now, _rules), state.EffectiveLimit(_rules), state.BlockedUntil);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<BudgetState> ChangeAsync(Func<BudgetState, DateTimeOffset, BudgetState> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var conflicts = 0; ; conflicts++)
            {
                var stored = _cached ?? await ReadAsync(cancellationToken);
                var now = _time.GetUtcNow();
                var advanced = stored.State.AdvanceTo(now, _rules);
                var changed = change(advanced, now);
                if (ReferenceEquals(changed, advanced))
                {
                    // Nothing to write: rolling the window and refilling tokens are recomputed by every reader anyway.
                    return changed;
                }

                if (await TryWriteAsync(stored, changed, conflicts, cancellationToken))
                {
                    return changed;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<StoredState> ReadAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.ReadyAsync(_tables.RequestBudget, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(_options.ConnectionName, RowKey, cancellationToken: cancellationToken);
        var stored = response.HasValue && response.Value is { } entity
            ? new StoredState(FromEntity(entity), entity.ETag)
            : new StoredState(BudgetState.Initial(_time.GetUtcNow(), _rules), null);
        _cached = stored;
        return stored;
    }

    // Writes the new state conditionally on the ETag it was derived from; false (and the cache dropped) on a conflict.
    private async Task<bool> TryWriteAsync(StoredState basis, BudgetState next, int conflicts, CancellationToken cancellationToken)
    {
        var table = await _tables.ReadyAsync(_tables.RequestBudget, cancellationToken);
        var entity = ToEntity(next);
        try
        {
            var response = basis.ETag is { } etag
                ? await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken)
                : await table.AddEntityAsync(entity, cancellationToken);
            _cached = new StoredState(next, response.Headers.ETag);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 && conflicts < MaxConflictRetries)
        {
            _cached = null;
            return false;
        }
    }

    private TableEntity ToEntity(BudgetState state)
    {
        var entity = new TableEntity(_options.ConnectionName, RowKey)
        {
            ["WindowStartMs"] = state.WindowStart.ToUnixTimeMilliseconds(),
            ["Used"] = state.Used,
            ["Tokens"] = state.Tokens,
            ["TokensAtMs"] = state.TokensAt.ToUnixTimeMilliseconds(),
        };
        if (state.ReportedLimit is { } limit)
        {
            entity["ReportedLimit"] = limit;
        }

        if (state.BlockedUntil is { } blocked)
        {
            entity["BlockedUntilMs"] = blocked.ToUnixTimeMilliseconds();
        }

        return entity;
    }

    private static BudgetState FromEntity(TableEntity entity) => new(
        DateTimeOffset.FromUnixTimeMilliseconds(entity.GetInt64("WindowStartMs") ?? 0),
        entity.GetInt32("Used") ?? 0,
        entity.GetDouble("Tokens") ?? 0,
        DateTimeOffset.FromUnixTimeMilliseconds(entity.GetInt64("TokensAtMs") ?? 0),
        entity.GetInt32("ReportedLimit"),
        entity.GetInt64("BlockedUntilMs") is { } blocked ? DateTimeOffset.FromUnixTimeMilliseconds(blocked) : null);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Request budget of connection {Connection} corrected from Outreach headers (limit {Limit}, remaining {Remaining}, reset {ResetAt}): used {UsedBefore} -> {UsedAfter}, window starts {WindowStart}")]
    private static partial void LogCorrected(ILogger logger, string connection, int? limit, int? remaining, DateTimeOffset? resetAt, int usedBefore, int usedAfter, DateTimeOffset windowStart);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request budget of connection {Connection} blocked until {BlockedUntil} after Outreach answered 429")]
    private static partial void LogBlocked(ILogger logger, string connection, DateTimeOffset blockedUntil);

    private sealed record StoredState(BudgetState State, ETag? ETag);
}

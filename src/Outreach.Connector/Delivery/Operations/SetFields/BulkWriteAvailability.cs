using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>Why bulk writes are off for this connection, for health and the status page.</summary>
/// <param name="Reason">What Outreach answered, e.g. <c>HTTP 403: missing scope batches.write</c>.</param>
/// <param name="Since">When bulk writes were turned off.</param>
/// <param name="NeedsReconnect">True when a missing scope is the cause: connecting again (with the default scopes) enables them.</param>
public sealed record BulkWritesOff(string Reason, DateTimeOffset Since, bool NeedsReconnect)
{
    /// <summary>The sentence health shows.</summary>
    public string Describe() => NeedsReconnect
        ? $"Outreach refused bulk writes ({Reason}): the connection lacks the batches.read/batches.write scopes; re-connect to enable bulk writes. Every update is still written, one PATCH per prospect."
        : $"Outreach refused bulk writes ({Reason}); every update is written one PATCH per prospect until the connection is re-authorized, or set Delivery__BulkWrites=off to stop trying.";
}

/// <summary>
/// Whether bulk writes are used now, per <see cref="BulkWriteOptions.BulkWrites"/>: in <c>auto</c> mode, the first time
/// Outreach refuses the bulk endpoint itself this process falls back to PATCH until the connection is re-authorized.
/// </summary>
public sealed partial class BulkWriteAvailability(
    IOptions<BulkWriteOptions> options,
    TimeProvider time,
    ILogger<BulkWriteAvailability> logger,
    IConnectionStatusSource? connection = null,
    IOptions<DeliveryOptions>? delivery = null) : Monitoring.IHealthReasonSource
{
    // Reading the token store to notice a re-authorization costs a storage read: once a minute is plenty.
    private static readonly TimeSpan ReauthorizationCheckInterval = TimeSpan.FromMinutes(1);

    private readonly BulkWriteOptions _options = options.Value;
    private BulkWritesOff? _off;
    private DateTimeOffset _checkedAt;

    /// <summary>Why bulk writes are off in auto mode, or null when they are in use (or configured off).</summary>
    public BulkWritesOff? Off => Volatile.Read(ref _off);

    /// <inheritdoc />
    /// <remarks>Delivery goes on one PATCH per prospect, at a fraction of the throughput: worth a person's attention.</remarks>
    public Task<IReadOnlyList<Monitoring.HealthReason>> ReasonsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Monitoring.HealthReason>>(Off is { } off ? [new Monitoring.HealthReason("bulk_writes_off", off.Describe())] : []);

    /// <summary>True when the next batch should use bulk writes; in auto mode after a refusal, true again once the connection was re-authorized.</summary>
    public async Task<bool> IsEnabledAsync(CancellationToken cancellationToken)
    {
        if (delivery?.Value.DryRun == true)
        {
            // A dry run changes nothing in Outreach: prospects go the PATCH path, whose dry-run client records them.
            return false;
        }

        switch (_options.BulkWrites)
        {
            case BulkWriteMode.Off:
                return false;
            case BulkWriteMode.On:
                return true;
        }

        var off = Volatile.Read(ref _off);
        if (off is null)
        {
            return true;
        }

        var now = time.GetUtcNow();
        if (connection is null || now - _checkedAt < ReauthorizationCheckInterval)
        {
            return false;
        }

        _checkedAt = now;
        var status = await connection.GetStatusAsync(cancellationToken);
        if (status.Status == ConnectionStatus.Connected && status.StatusChangedAt is { } changed && changed > off.Since)
        {
            Interlocked.CompareExchange(ref _off, null, off);
            LogReenabled(logger);
            return true;
        }

        return false;
    }

    /// <summary>Outreach refused a bulk call itself: in auto mode turn bulk writes off until re-authorization; always log why.</summary>
    public void Refused(int statusCode, string reason, bool missingScope)
    {
        var text = $"HTTP {statusCode}: {reason}";
        if (_options.BulkWrites != BulkWriteMode.Auto)
        {
            LogRefusedStillOn(logger, text);
            return;
        }

        Volatile.Write(ref _off, new BulkWritesOff(text, time.GetUtcNow(), missingScope));
        LogFallback(logger, text, missingScope ? " Re-connect to enable bulk writes (the batches.read and batches.write scopes are needed)." : "");
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error,
        Message = "Outreach refused the bulk endpoint ({Refusal}); bulk writes are off for this connection until it is re-authorized, and every update goes one PATCH per prospect.{Advice}")]
    private static partial void LogFallback(ILogger logger, string refusal, string advice);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning,
        Message = "Outreach refused a bulk write ({Refusal}); Delivery__BulkWrites is on, so bulk writes continue and these prospects go one PATCH each.")]
    private static partial void LogRefusedStillOn(ILogger logger, string refusal);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "The Outreach connection was re-authorized: bulk writes are on again.")]
    private static partial void LogReenabled(ILogger logger);
}

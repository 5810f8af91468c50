using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>
/// Whether a batch uses per-record bulk writes, per <c>Delivery__PerRecordBulk</c>, and what each import's verification
/// teaches: in <c>auto</c> mode, imports are used only once the connection holds the scopes they need
/// (<c>Delivery__PerRecordBulkScope</c>) and a first small import was confirmed by read-back on this authorization;
/// after <c>Delivery__PerRecordBulkMaxUnconfirmed</c> unconfirmed imports in a row they are off until the connection is
/// re-authorized. The state lives in Table storage (<see cref="PerRecordBulkStateStore"/>), so all drainers agree.
/// </summary>
public sealed partial class PerRecordBulkAvailability(
    PerRecordBulkStateStore store,
    IOptions<PerRecordBulkOptions> options,
    TimeProvider time,
    ILogger<PerRecordBulkAvailability> logger,
    IConnectionStatusSource? connection = null,
    IOptions<DeliveryOptions>? delivery = null)
{
    // Reading the token store (Key Vault in Azure) to learn the authorization and its scopes: once a minute is plenty.
    private static readonly TimeSpan ConnectionCheckInterval = TimeSpan.FromMinutes(1);

    private readonly PerRecordBulkOptions _options = options.Value;
    private ConnectionStatusReport? _connection;
    private DateTimeOffset _checkedAt;
    private bool _loggedMissingScope;

    /// <summary>The configured mode (the validator refused any other value at start).</summary>
    public PerRecordBulkMode Mode => _options.Mode ?? PerRecordBulkMode.Off;

    /// <summary>How the next batch uses imports. Storage failures throw (<see cref="Azure.RequestFailedException"/>).</summary>
    public async Task<ImportUse> DecideAsync(CancellationToken cancellationToken)
    {
        if (delivery?.Value.DryRun == true)
        {
            // A dry run changes nothing in Outreach: prospects go the PATCH path, whose dry-run client records them.
            return ImportUse.Off;
        }

        switch (Mode)
        {
            case PerRecordBulkMode.Off:
                return ImportUse.Off;
            case PerRecordBulkMode.On:
                return ImportUse.Full;
        }

        if (await ConnectionAsync(cancellationToken) is not { } report)
        {
            return ImportUse.Off;
        }

        var granted = (report.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var missing = _options.Scopes.Where(s => !granted.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            if (!_loggedMissingScope)
            {
                _loggedMissingScope = true;
                LogMissingScope(logger, string.Join(' ', missing));
            }

            return ImportUse.Off;
        }

        var state = await store.ReadAsync(cancellationToken);
        if (state is null || state.AuthorizedAt != report.StatusChangedAt)
        {
            return ImportUse.Trial;
        }

        return state.Phase switch
        {
            PerRecordBulkPhase.Confirmed => ImportUse.Full,
            PerRecordBulkPhase.Off => ImportUse.Off,
            _ => ImportUse.Trial,
        };
    }

    /// <summary>An import was confirmed by reading its prospects back (at least one record landed as sent).</summary>
    public Task ConfirmedAsync(CancellationToken cancellationToken) => RecordAsync(confirmed: true, null, cancellationToken);

    /// <summary>An import failed, stalled past its wait, or applied nothing: <paramref name="why"/> says which (no personal data).</summary>
    public Task UnconfirmedAsync(string why, CancellationToken cancellationToken) => RecordAsync(confirmed: false, why, cancellationToken);

    private async Task RecordAsync(bool confirmed, string? why, CancellationToken cancellationToken)
    {
        if (!confirmed)
        {
            LogUnconfirmed(logger, why ?? "");
        }

        var authorizedAt = Mode == PerRecordBulkMode.Auto ? _connection?.StatusChangedAt : null;
        var now = time.GetUtcNow();
        var mode = Mode.ToString().ToLowerInvariant();
        var state = await store.UpdateAsync(
            stored =>
            {
                // A state of an earlier authorization is forgotten: a re-authorization starts again from the trial.
                var current = stored is not null && stored.AuthorizedAt == authorizedAt
                    ? stored with { Mode = mode }
                    : new PerRecordBulkState(mode, authorizedAt, PerRecordBulkPhase.Trial, 0, null, now);
                if (current.Phase == PerRecordBulkPhase.Off)
                {
                    return current;
                }

                if (confirmed)
                {
                    return current.Phase == PerRecordBulkPhase.Confirmed && current.ConsecutiveUnconfirmed == 0
                        ? current
                        : current with { Phase = PerRecordBulkPhase.Confirmed, ConsecutiveUnconfirmed = 0, Reason = null, ChangedAt = current.Phase == PerRecordBulkPhase.Confirmed ? current.ChangedAt : now };
                }

                var count = current.ConsecutiveUnconfirmed + 1;
                return Mode == PerRecordBulkMode.Auto && count >= _options.PerRecordBulkMaxUnconfirmed
                    ? current with { Phase = PerRecordBulkPhase.Off, ConsecutiveUnconfirmed = count, Reason = why, ChangedAt = now }
                    : current with { ConsecutiveUnconfirmed = count, Reason = why };
            },
            cancellationToken);
        if (!confirmed && state.Phase == PerRecordBulkPhase.Off && state.ChangedAt == now)
        {
            LogTurnedOff(logger, state.ConsecutiveUnconfirmed, why ?? "");
        }
    }

    // The connection as the token store holds it, read at most once a minute while connected (a connection not made
    // yet is read again at once, so the first batch after Connect sees it).
    private async Task<ConnectionStatusReport?> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (_connection is { Status: ConnectionStatus.Connected } known && now - _checkedAt < ConnectionCheckInterval)
        {
            return known;
        }

        var report = await connection.GetStatusAsync(cancellationToken);
        if (_connection?.StatusChangedAt != report.StatusChangedAt)
        {
            // A new authorization may grant what the last one lacked: say it again if it still does not.
            _loggedMissingScope = false;
        }

        (_connection, _checkedAt) = (report, now);
        return report.Status == ConnectionStatus.Connected ? report : null;
    }

    [LoggerMessage(EventId = 3121, Level = LogLevel.Information,
        Message = "Per-record bulk writes wait for the scopes {Missing} (Delivery__PerRecordBulkScope): re-connect to grant them; until then shared changes go in bulk and the rest one PATCH per prospect.")]
    private static partial void LogMissingScope(ILogger logger, string missing);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Warning, Message = "An Outreach import was not confirmed ({Why}); its prospects go one PATCH each.")]
    private static partial void LogUnconfirmed(ILogger logger, string why);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Error,
        Message = "Per-record bulk writes are OFF for this connection until it is re-authorized: {Count} imports in a row were not confirmed by read-back (last: {Why}). Every update is still written: shared changes in bulk, the rest one PATCH per prospect.")]
    private static partial void LogTurnedOff(ILogger logger, int count, string why);
}

using System.Globalization;

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>
/// Per-record bulk writes on one connection, as every drainer sees them (one row in Table storage,
/// <see cref="PerRecordBulkStateStore"/>): for which authorization, in which phase, how many imports in a row were not
/// confirmed, and why they were turned off.
/// </summary>
/// <param name="Mode">The <c>Delivery__PerRecordBulk</c> mode of the drainer that wrote the row last.</param>
/// <param name="AuthorizedAt">When the connection's authorization this state belongs to was made; a newer one starts again from the trial.</param>
/// <param name="Phase">Trial, confirmed, or off.</param>
/// <param name="ConsecutiveUnconfirmed">Imports in a row that failed, stalled or applied nothing.</param>
/// <param name="Reason">Why the last import was not confirmed (no personal data: counts, states, statuses).</param>
/// <param name="ChangedAt">When the phase last changed.</param>
public sealed record PerRecordBulkState(
    string Mode, DateTimeOffset? AuthorizedAt, PerRecordBulkPhase Phase, int ConsecutiveUnconfirmed, string? Reason, DateTimeOffset ChangedAt)
{
    /// <summary>The sentence health and the status page show when the phase is <see cref="PerRecordBulkPhase.Off"/>.</summary>
    public string Describe() => Phase switch
    {
        PerRecordBulkPhase.Off => string.Create(CultureInfo.InvariantCulture,
            $"Per-record bulk writes (Outreach imports) are off for this connection since {ChangedAt:u}: {ConsecutiveUnconfirmed} imports in a row were not confirmed by reading their prospects back (last: {Reason ?? "no reason"}). Every update is still written (shared changes in bulk, the rest one PATCH per prospect); re-connect to try imports again, or set Delivery__PerRecordBulk=off."),
        PerRecordBulkPhase.Confirmed => ConsecutiveUnconfirmed == 0
            ? "in use: imports confirmed by read-back"
            : string.Create(CultureInfo.InvariantCulture, $"in use; the last {ConsecutiveUnconfirmed} import(s) not confirmed ({Reason})"),
        _ => ConsecutiveUnconfirmed == 0
            ? "trial: the first small import is not confirmed yet"
            : string.Create(CultureInfo.InvariantCulture, $"trial: {ConsecutiveUnconfirmed} import(s) not confirmed ({Reason})"),
    };
}

using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;
using Bulk = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;

namespace Outreach.Connector.Monitoring;

/// <summary>The status page's "Imports" tile: per-record bulk writes over the hours shown, and where they stand.</summary>
/// <param name="State"><c>not tried</c>, <c>trial</c>, <c>in use</c> or <c>off</c> (per the connection's shared state).</param>
/// <param name="Description">The state in a sentence (why it is off, when it is).</param>
/// <param name="Imports">Imports Outreach accepted.</param>
/// <param name="RecordsSent">Prospect records those imports carried.</param>
/// <param name="ProspectsApplied">Prospects whose fields an import wrote, confirmed by read-back.</param>
/// <param name="FellBack">Prospects of an import that went on by PATCH.</param>
/// <param name="Unconfirmed">Imports refused, failed, stalled or that applied nothing.</param>
/// <param name="Requests">Polls and read-backs: the requests an import costs besides itself.</param>
public sealed record PerRecordBulkReport(
    string State, string Description, long Imports, long RecordsSent, long ProspectsApplied, long FellBack, long Unconfirmed, long Requests)
{
    /// <summary>The health reason code when per-record bulk writes turned themselves off.</summary>
    public const string OffCode = "per_record_bulk_off";

    /// <summary>The tile from the counters summed over the hours shown and the connection's shared state.</summary>
    public static PerRecordBulkReport From(IReadOnlyDictionary<string, long> sums, PerRecordBulkState? state)
    {
        ArgumentNullException.ThrowIfNull(sums);
        long Get(string name) => sums.TryGetValue(name, out var value) ? value : 0;
        var (name, description) = state switch
        {
            null => ("not tried", "No import was tried on this connection (Delivery__PerRecordBulk, the import scopes, or nothing to write yet)."),
            { Phase: PerRecordBulkPhase.Off } => ("off", state.Describe()),
            { Phase: PerRecordBulkPhase.Confirmed } => ("in use", state.Describe()),
            _ => ("trial", state.Describe()),
        };
        return new PerRecordBulkReport(
            name, description, Get(Bulk.ImportCalls), Get(Bulk.ImportRecords), Get(Bulk.ImportApplied), Get(Bulk.ImportFellBack),
            Get(Bulk.ImportsFailed) + Get(Bulk.ImportsStalled) + Get(Bulk.ImportsAppliedNothing), Get(Bulk.ImportPolls) + Get(Bulk.ImportReadBacks));
    }

    /// <summary><c>per_record_bulk_off</c> when unconfirmed imports turned per-record bulk writes off for the connection.</summary>
    public static IEnumerable<HealthReason> HealthReasons(PerRecordBulkState? state) =>
        state is { Phase: PerRecordBulkPhase.Off } ? [new HealthReason(OffCode, state.Describe())] : [];
}

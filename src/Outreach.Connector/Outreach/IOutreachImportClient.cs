namespace Outreach.Connector.Outreach;

/// <summary>
/// Outreach's per-record bulk write: <c>POST /imports/actions/bulkUpsert</c> of prospect records, each with its own
/// values, and <c>GET /imports/{id}</c> (docs/reference/outreach-imports.md). Only ever with
/// <c>dupeMethod=overwriteNoCreate</c>: every other dupe method CREATES a prospect for a record whose id no prospect has.
/// </summary>
/// <remarks>Never throws for HTTP or network failures: it answers an <see cref="OutreachCallOutcome"/>.</remarks>
public interface IOutreachImportClient
{
    /// <summary>
    /// Sends one <c>bulkUpsert</c> of the (non-empty) records; succeeds with the <see cref="ImportStatus"/> Outreach
    /// answered. A record without a positive prospect id refuses the call before it is sent
    /// (<see cref="OutreachCallOutcome.NotSent"/>).
    /// </summary>
    Task<OutreachCallOutcome> UpsertAsync(IReadOnlyList<ImportRecord> records, CancellationToken cancellationToken);

    /// <summary>Reads an import; succeeds with its <see cref="ImportStatus"/>.</summary>
    Task<OutreachCallOutcome> GetImportAsync(long importId, CancellationToken cancellationToken);
}

using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>The Outreach calls the bulk path makes, as delivery needs them; an adapter maps them onto the Outreach clients.</summary>
/// <remarks>Every method makes Outreach requests the caller has taken budget permits for, and never throws for HTTP failures.</remarks>
public interface IBulkOutreachClient
{
    /// <summary>The most ids one collection read should carry (Outreach__MaxIdsPerRead, lowered when Outreach refused a list).</summary>
    int MaxIdsPerRead { get; }

    /// <summary>The most ids one bulk action may carry (Outreach__MaxIdsPerBulkCall).</summary>
    int MaxIdsPerBulkCall { get; }

    /// <summary>False when the configured bulk body shape carries one field only: changes of several fields then go one PATCH each.</summary>
    bool CarriesSeveralFields { get; }

    /// <summary>
    /// Reads the given fields of the given prospects with collection GETs (<c>filter[id]</c>, <c>fields[prospect]</c>).
    /// Prospects Outreach does not return are absent from the result.
    /// </summary>
    Task<BulkCallOutcome> ReadProspectsAsync(IReadOnlyList<long> prospectIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one <c>prospectsBulkModify</c> writing <paramref name="change"/> to exactly the given (non-empty) prospects;
    /// succeeds with Outreach's batch id.
    /// </summary>
    Task<BulkCallOutcome> SubmitAsync(IReadOnlyList<long> prospectIds, IReadOnlyDictionary<string, FieldValue> change, CancellationToken cancellationToken);

    /// <summary>Reads a bulk job's progress; succeeds with a <see cref="BulkJobProgress"/>.</summary>
    Task<BulkCallOutcome> PollAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>Reads the failed items of a finished bulk job; succeeds with <see cref="BulkItemFailures"/>.</summary>
    Task<BulkCallOutcome> ReadFailuresAsync(string batchId, CancellationToken cancellationToken);
}

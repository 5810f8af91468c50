using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>The Outreach calls the bulk path makes, as delivery needs them; an adapter maps them onto the Outreach clients.</summary>
/// <remarks>
/// Every method makes Outreach requests the caller has taken budget permits for, and never throws for HTTP failures: it
/// answers <see cref="OutreachCallOutcome.Succeeded{T}"/> with what it read, or the call's failure as Outreach's clients classified it.
/// </remarks>
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
    Task<OutreachCallOutcome> ReadProspectsAsync(IReadOnlyList<long> prospectIds, IReadOnlyCollection<string> fields, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one <c>prospectsBulkModify</c> writing <paramref name="change"/> to exactly the given (non-empty) prospects;
    /// succeeds with Outreach's batch id.
    /// </summary>
    Task<OutreachCallOutcome> SubmitAsync(IReadOnlyList<long> prospectIds, IReadOnlyDictionary<string, FieldValue> change, CancellationToken cancellationToken);

    /// <summary>Reads a bulk job's progress; succeeds with a <see cref="BulkJobProgress"/>.</summary>
    Task<OutreachCallOutcome> PollAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>Reads the failed items of a finished bulk job; succeeds with <see cref="BulkItemFailures"/>.</summary>
    Task<OutreachCallOutcome> ReadFailuresAsync(string batchId, CancellationToken cancellationToken);
}

/// <summary>How far Outreach has got with a bulk job (<c>GET /batches/{id}</c>).</summary>
/// <param name="Finished">True when <c>finishedAt</c> is set or nothing is pending; state names are not relied on (they are unpublished).</param>
/// <param name="Total">Items in the job, when reported.</param>
/// <param name="Failures">Items that failed, when reported; more than 0 means the failed items must be read.</param>
public sealed record BulkJobProgress(bool Finished, int? Total, int? Failures);

/// <summary>The prospects whose item of a finished bulk job failed (<c>GET /batchItems</c>, failed ones).</summary>
/// <param name="ProspectIds">Prospects named by failed items.</param>
/// <param name="Complete">False when some failed item could not be matched to a prospect: then no item of the job can be trusted as done.</param>
public sealed record BulkItemFailures(IReadOnlySet<long> ProspectIds, bool Complete);

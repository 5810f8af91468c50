using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>A bulk action Outreach accepted and has not finished: the fields it writes, and the versions to record per prospect once it has.</summary>
/// <param name="BatchId">Outreach's batch id, polled with <c>GET /batches/{id}</c>.</param>
/// <param name="Change">The field→value set the action writes to every prospect.</param>
/// <param name="Versions">Per prospect, the versions its fields get once Outreach reports the item done.</param>
/// <param name="SubmittedAt">When Outreach accepted the action.</param>
public sealed record InFlightBulkJob(
    long BatchId,
    IReadOnlyDictionary<string, FieldValue> Change,
    IReadOnlyDictionary<long, IReadOnlyDictionary<string, FieldVersion>> Versions,
    DateTimeOffset SubmittedAt)
{
    /// <summary>When the job should be polled next; moved on by whoever polls it.</summary>
    public DateTimeOffset NextPollAt { get; set; } = SubmittedAt;
}

using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Applies one change to many prospects with <c>POST /batches/actions/prospectsBulkModify</c>, follows the batch and
/// reads its failed items (docs/reference/outreach-api.md, bulk actions). Never throws for HTTP or network failures.
/// </summary>
public interface IOutreachBulkClient
{
    /// <summary>The most ids one action may carry (<c>Outreach__MaxIdsPerBulkCall</c>).</summary>
    int MaxIdsPerBulkCall { get; }

    /// <summary>False when the configured body shape (<c>Outreach__BulkBodyShape</c>) carries one field only: a change of several fields cannot go in bulk.</summary>
    bool CarriesSeveralFields { get; }

    /// <summary>
    /// Sends the action for exactly <paramref name="ids"/> (in the query string, and in the body for shapes that carry
    /// ids). Refuses without sending when the configured body shape cannot carry the changes, when there are more ids
    /// than <c>Outreach__MaxIdsPerBulkCall</c>, or when the last check finds the id filter missing.
    /// </summary>
    /// <param name="ids">The prospects to change; never empty by construction.</param>
    /// <param name="changes">The field → value pairs applied to every one of them.</param>
    /// <param name="beforeSend">Awaited before the HTTP request, e.g. to take a permit from the shared budget.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see cref="OutreachCallOutcome.Succeeded{T}"/> of the started <see cref="BatchStatus"/>; <see cref="OutreachCallOutcome.NotSent"/> when refused before sending.</returns>
    Task<OutreachCallOutcome> ModifyAsync(
        BulkProspectIds ids, IReadOnlyList<KeyValuePair<string, FieldValue>> changes, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken);

    /// <summary>Reads <c>GET /batches/{id}</c>: <see cref="OutreachCallOutcome.Succeeded{T}"/> of <see cref="BatchStatus"/>; see <see cref="BatchStatus.IsFinished"/>.</summary>
    Task<OutreachCallOutcome> GetBatchAsync(long batchId, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken);

    /// <summary>Reads the batch's failed items (<c>GET /batchItems?filter[batch][id]=…&amp;filter[failed]=true</c>, every page): <see cref="OutreachCallOutcome.Succeeded{T}"/> of <see cref="ListPages{T}"/> of <see cref="BatchItemFailure"/>.</summary>
    Task<OutreachCallOutcome> ReadFailuresAsync(long batchId, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken);
}

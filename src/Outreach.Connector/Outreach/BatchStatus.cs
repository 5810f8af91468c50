namespace Outreach.Connector.Outreach;

/// <summary>What <c>GET /batches/{id}</c> said about a bulk action's job; a part is null when Outreach did not give it.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="State">Outreach's state name, for display only: the names are not published (UNCONFIRMED).</param>
/// <param name="Total">Items in the batch.</param>
/// <param name="Pending">Items not processed yet.</param>
/// <param name="Failures">Items that failed.</param>
/// <param name="FinishedAt">When the batch finished.</param>
public sealed record BatchStatus(long Id, string? State, int? Total, int? Pending, int? Failures, DateTimeOffset? FinishedAt)
{
    /// <summary>Finished when <c>finishedAt</c> is set or nothing is pending; never judged by the state name.</summary>
    public bool IsFinished => FinishedAt is not null || Pending == 0;
}

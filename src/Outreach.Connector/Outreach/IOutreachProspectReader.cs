namespace Outreach.Connector.Outreach;

/// <summary>Reads many prospects' current values with <c>GET /prospects?filter[id]=…&amp;fields[prospect]=…</c>.</summary>
public interface IOutreachProspectReader
{
    /// <summary>The most ids sent in one request now: <c>Outreach__MaxIdsPerRead</c>, halved each time Outreach refused a list.</summary>
    int MaxIdsPerRequest { get; }

    /// <summary>
    /// Reads the prospects in lists of at most <see cref="MaxIdsPerRequest"/> ids. When Outreach refuses a list as
    /// too long (400, 413, 414 or 422), the maximum is halved for this client's lifetime and the list is sent again in
    /// halves. Never throws for HTTP or network failures; cancellation throws.
    /// </summary>
    /// <param name="ids">The prospect ids (duplicates are read once).</param>
    /// <param name="fields">The attributes to read (sparse fieldset); empty reads all of them.</param>
    /// <param name="beforeEachRequest">Awaited before every HTTP request, e.g. to take a permit from the shared budget.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see cref="OutreachCallOutcome.Succeeded{T}"/> of <see cref="ProspectsRead"/>, or the failure of the call that failed.</returns>
    Task<OutreachCallOutcome> ReadAsync(
        IReadOnlyCollection<long> ids, IReadOnlyList<string> fields, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken);
}

namespace Outreach.Connector.Outreach;

/// <summary>Finds prospects by email with <c>GET /prospects?filter[emails]=…</c> (docs/reference/outreach-api.md, email lookup).</summary>
public interface IOutreachEmailLookup
{
    /// <summary>How many emails one <see cref="FindAsync"/> call may take: 1 unless <c>Outreach__EmailFilterMultiValue</c> is on.</summary>
    int MaxEmailsPerRequest { get; }

    /// <summary>
    /// Looks the emails up in one request (plus pages, if Outreach pages). Emails are sent as given (normalize them
    /// first); matches are assigned to them ignoring case. Never throws for HTTP or network failures; cancellation throws.
    /// </summary>
    /// <param name="emails">1 to <see cref="MaxEmailsPerRequest"/> emails.</param>
    /// <param name="beforeEachRequest">Awaited before every HTTP request, e.g. to take a permit from the shared budget.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns><see cref="OutreachCallOutcome.Succeeded{T}"/> of <see cref="EmailMatches"/>, or the failure (nothing is then known about the emails).</returns>
    /// <exception cref="ArgumentException">No email, a blank one, or more than <see cref="MaxEmailsPerRequest"/>.</exception>
    Task<OutreachCallOutcome> FindAsync(IReadOnlyList<string> emails, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken);
}

namespace Outreach.Connector.EmailMatching;

/// <summary>Asks Outreach which prospects have given emails: <c>GET /api/v2/prospects?filter[emails]=…</c>.</summary>
/// <remarks>See docs/reference/outreach-api.md, email lookup. Implementations never throw for HTTP or network failures.</remarks>
public interface IProspectEmailLookup
{
    /// <summary>
    /// Looks up one email, or several in one request when <paramref name="emails"/> has more than one (the
    /// multi-value filter, UNCONFIRMED for emails). The emails are normalized; the answer maps each to its prospect ids.
    /// </summary>
    Task<EmailLookupOutcome> FindAsync(IReadOnlyList<string> emails, CancellationToken cancellationToken);
}

using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Finds prospects by email: <c>GET /prospects?filter[emails]=a</c> (one email), or with
/// <c>Outreach__EmailFilterMultiValue</c> on, <c>newFilterSyntax=true&amp;filter[emails][]=a&amp;filter[emails][]=b</c>.
/// Only the <c>emails</c> attribute is asked for (sparse fieldset).
/// </summary>
/// <remarks>
/// Matches are assigned to the emails asked for by comparing them to each returned prospect's emails ignoring case,
/// so a lookup never credits a prospect to an email it does not hold (whatever Outreach's own matching does).
/// Emails never appear in logs: the operation is logged by name only.
/// </remarks>
public sealed class OutreachEmailLookup(OutreachApiSender sender, IOptions<OutreachBulkOptions> bulkOptions) : IOutreachEmailLookup
{
    private const string Operation = "GET prospects by email";
    private const int PageSize = 1000;
    private readonly OutreachBulkOptions _options = bulkOptions.Value;

    /// <inheritdoc />
    public int MaxEmailsPerRequest => _options.EmailFilterMultiValue ? _options.MaxEmailsPerLookup : 1;

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> FindAsync(
        IReadOnlyList<string> emails, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        if (emails.Count == 0 || emails.Count > MaxEmailsPerRequest || emails.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"Give 1 to {MaxEmailsPerRequest} non-blank emails.", nameof(emails));
        }

        var wanted = emails.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var pages = await sender.GetAllPagesAsync(Operation, FirstPageUrl(wanted), JsonApiList.Read, "Outreach's answer is not a JSON:API list.", beforeEachRequest, cancellationToken);
        if (pages is not OutreachCallOutcome.Succeeded<ListPages<ProspectValues>> { Value: var read } succeeded)
        {
            return pages;
        }

        var matches = wanted.ToDictionary(email => email, _ => new SortedSet<long>(), StringComparer.OrdinalIgnoreCase);
        foreach (var prospect in read.Items)
        {
            foreach (var email in prospect.Emails.Where(matches.ContainsKey))
            {
                matches[email].Add(prospect.Id);
            }
        }

        var result = emails.Distinct(StringComparer.Ordinal)
            .ToDictionary(email => email, email => (IReadOnlyList<long>)[.. matches[email]], StringComparer.Ordinal);
        return new OutreachCallOutcome.Succeeded<EmailMatches>(new EmailMatches(result, read.Requests), succeeded.StatusCode, succeeded.RateLimit);
    }

    private static string FirstPageUrl(IReadOnlyList<string> emails)
    {
        var url = new StringBuilder("prospects?");
        if (emails.Count == 1)
        {
            url.Append("filter[emails]=").Append(Uri.EscapeDataString(emails[0]));
        }
        else
        {
            url.Append("newFilterSyntax=true");
            foreach (var email in emails)
            {
                url.Append("&filter[emails][]=").Append(Uri.EscapeDataString(email));
            }
        }

        return url.Append(CultureInfo.InvariantCulture, $"&fields[prospect]=emails&page[size]={PageSize}").ToString();
    }
}

/// <summary>
/// What an email lookup found. Every email asked for is a key of <paramref name="ProspectIds"/> (as it was given),
/// with the ids of the prospects holding it, ascending: none (no match), one, or several (Outreach allows duplicates).
/// </summary>
/// <param name="ProspectIds">The matching prospect ids per email asked for.</param>
/// <param name="Requests">How many HTTP requests the lookup made (more than one only when Outreach paged).</param>
public sealed record EmailMatches(IReadOnlyDictionary<string, IReadOnlyList<long>> ProspectIds, int Requests);

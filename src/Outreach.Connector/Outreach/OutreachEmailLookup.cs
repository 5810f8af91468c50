using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;

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
public sealed class OutreachEmailLookup(
    HttpClient httpClient,
    IAccessTokenProvider tokens,
    TimeProvider timeProvider,
    IOptions<OutreachOptions> options,
    IOptions<OutreachBulkOptions> bulkOptions,
    ILogger<OutreachEmailLookup> logger) : IOutreachEmailLookup
{
    private const string Operation = "GET prospects by email";
    private const int PageSize = 1000;
    private readonly OutreachApiCaller _caller = new(httpClient, tokens, timeProvider, options.Value, logger);
    private readonly OutreachBulkOptions _options = bulkOptions.Value;

    /// <inheritdoc />
    public int MaxEmailsPerRequest => _options.EmailFilterMultiValue ? _options.MaxEmailsPerLookup : 1;

    /// <inheritdoc />
    public async Task<EmailLookupOutcome> FindAsync(
        IReadOnlyList<string> emails, Func<CancellationToken, ValueTask>? beforeEachRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        if (emails.Count == 0 || emails.Count > MaxEmailsPerRequest || emails.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"Give 1 to {MaxEmailsPerRequest} non-blank emails.", nameof(emails));
        }

        var wanted = emails.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var pages = await _caller.GetAllPagesAsync(Operation, FirstPageUrl(wanted), JsonApiList.Read, "Outreach's answer is not a JSON:API list.", beforeEachRequest, cancellationToken);
        if (pages is PagedGetOutcome<ProspectValues>.Failed failed)
        {
            return new EmailLookupOutcome.Failed(failed.Outcome);
        }

        var read = (PagedGetOutcome<ProspectValues>.Read)pages;

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
        return new EmailLookupOutcome.Found(result, read.Requests, read.RateLimit);
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

using Microsoft.Extensions.Primitives;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>
/// <c>filter[emails]=</c>: an exact match against any of a prospect's <c>emails</c> (docs/reference/outreach-api.md,
/// email lookup). Case sensitivity and the multi-value forms are UNCONFIRMED for Outreach and therefore switches.
/// </summary>
/// <remarks>
/// With <see cref="ProspectOptions.EmailFilterMultiValue"/> off, the raw value (all repeated values joined by a comma)
/// is ONE literal email: <c>filter[emails]=a,b</c> and two <c>filter[emails][]</c> values match nothing. A client that
/// assumes lists work then sees "no prospect", the silent failure it must be able to detect.
/// </remarks>
internal sealed record EmailFilter(IReadOnlyList<string> Values, StringComparer Comparer)
{
    public static EmailFilter? Parse(IQueryCollection query, ProspectOptions options)
    {
        var raw = StringValues.Concat(query["filter[emails]"], query["filter[emails][]"]);
        if (raw.Count == 0)
        {
            return null;
        }

        var comparer = options.EmailFilterCaseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        IReadOnlyList<string> values = options.EmailFilterMultiValue
            ? raw.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(comparer).ToList()
            : [string.Join(',', raw.Select(value => value ?? ""))];
        return new EmailFilter(values, comparer);
    }

    /// <summary>Whether one of the prospect's emails equals one of the filter's values.</summary>
    public bool Matches(IEnumerable<string> prospectEmails) => prospectEmails.Any(email => Values.Contains(email, Comparer));
}

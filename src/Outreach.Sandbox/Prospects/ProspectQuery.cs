using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Outreach.Sandbox.Prospects;

/// <summary>
/// The supported part of Outreach's list query: <c>filter[id]=1,2,3</c> (also ranges <c>5..10</c> and the new syntax
/// <c>filter[id][]=1</c>), <c>filter[emails]=</c> (see <see cref="EmailFilter"/>), <c>page[size]</c> (default 50, at
/// most 1000), <c>page[after]</c>, and <c>fields[prospect]</c>.
/// </summary>
internal sealed record ProspectQuery(IReadOnlyList<(long From, long To)>? IdRanges, int PageSize, long After, ISet<string>? Fields)
{
    /// <summary>The emails asked for by <c>filter[emails]</c>, or null when the query has no email filter.</summary>
    public EmailFilter? Emails { get; init; }

    /// <summary>Parses the query and checks list lengths; returns null with the status and problem to answer otherwise.</summary>
    public static ProspectQuery? Parse(IQueryCollection query, Configuration.ProspectOptions options, out int status, out string? problem)
    {
        status = StatusCodes.Status400BadRequest;
        if (Parse(query, out problem) is not { } parsed)
        {
            return null;
        }

        var emails = EmailFilter.Parse(query, options);
        var listLength = Math.Max(parsed.IdRanges?.Count ?? 0, emails?.Values.Count ?? 0);
        if (listLength > options.MaxFilterListLength)
        {
            status = options.FilterListTooLongStatus;
            problem = string.Create(
                CultureInfo.InvariantCulture,
                $"The filter lists {listLength} values; at most {options.MaxFilterListLength} are accepted in one request.");
            return null;
        }

        return parsed with { Emails = emails };
    }

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>Parses the query; returns null and a problem when a value is not understood.</summary>
    public static ProspectQuery? Parse(IQueryCollection query, out string? problem)
    {
        problem = null;
        List<(long, long)>? ranges = null;
        var ids = StringValues.Concat(query["filter[id]"], query["filter[id][]"]);
        if (ids.Count > 0)
        {
            ranges = [];
            foreach (var part in ids.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (ParseRange(part) is not { } range)
                {
                    problem = $"filter[id] value '{part}' is not an id or an id range.";
                    return null;
                }

                ranges.Add(range);
            }
        }

        var size = DefaultPageSize;
        if (query["page[size]"] is { Count: > 0 } sizeText && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1))
        {
            problem = "page[size] must be a positive integer.";
            return null;
        }

        long after = 0;
        if (query["page[after]"] is { Count: > 0 } afterText && !long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            problem = "page[after] is not a cursor returned by the sandbox.";
            return null;
        }

        ISet<string>? fields = query["fields[prospect]"] is { Count: > 0 } names
            ? names.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal)
            : null;
        return new ProspectQuery(ranges, Math.Min(size, MaxPageSize), after, fields);
    }

    /// <summary>The ids after the cursor that the filter can match, ascending; explicit id lists are not scanned.</summary>
    public IEnumerable<long> CandidateIds(long maxId)
    {
        if (IdRanges is not null && IdRanges.All(range => range.From == range.To))
        {
            return IdRanges.Select(range => range.From).Where(id => id > After && id <= maxId).Distinct().Order();
        }

        // Scan only between the lowest and highest id the ranges allow.
        var from = Math.Max(After + 1, IdRanges is null ? 1 : IdRanges.Min(range => range.From));
        var to = Math.Min(maxId, IdRanges is null ? maxId : IdRanges.Max(range => range.To));
        return Between(from, to).Where(id => IdRanges is null || IdRanges.Any(range => id >= range.From && id <= range.To));
    }

    private static IEnumerable<long> Between(long from, long to)
    {
        for (var id = from; id <= to; id++)
        {
            yield return id;
        }
    }

    private static (long, long)? ParseRange(string part)
    {
        var dots = part.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            return long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? (id, id) : null;
        }

        var from = part[..dots];
        var to = part[(dots + 2)..];
        long low = 0, high = long.MaxValue;
        var lowOk = from is "neginf" or "" || long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out low);
        var highOk = to is "inf" or "" || long.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out high);
        return lowOk && highOk ? (low, high) : null;
    }
}

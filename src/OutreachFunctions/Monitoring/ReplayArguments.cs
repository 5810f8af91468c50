using System.Globalization;
using Outreach.Connector.Delivery.Ledger;

namespace OutreachFunctions.Monitoring;

/// <summary>Reads a replay's filters from an admin request's query or from the command line.</summary>
public static class ReplayArguments
{
    /// <summary>Reads <c>errorId</c>, <c>audienceId</c>, <c>from</c>, <c>to</c>, <c>max</c> and <c>listOnly</c>; false with the problem when one is malformed.</summary>
    public static bool TryParseQuery(Func<string, string?> value, out FailureQuery query, out bool listOnly, out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        query = new FailureQuery();
        listOnly = false;
        problem = "";
        DateTimeOffset? from = null, to = null;
        int? max = null;
        if (value("from") is { } f && !TryTime(f, out from))
        {
            problem = "from must be an ISO 8601 time such as 2025-03-01T10:00:00Z.";
            return false;
        }

        if (value("to") is { } t && !TryTime(t, out to))
        {
            problem = "to must be an ISO 8601 time such as 2025-03-01T11:00:00Z.";
            return false;
        }

        if (value("max") is { } m)
        {
            if (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 100_000)
            {
                problem = "max must be a whole number from 1 to 100000.";
                return false;
            }

            max = parsed;
        }

        if (value("listOnly") is { } l && !bool.TryParse(l, out listOnly))
        {
            problem = "listOnly must be true or false.";
            return false;
        }

        query = new FailureQuery(from, to, Blank(value("errorId")), Blank(value("audienceId")), max);
        return true;
    }

    /// <summary>
    /// Reads <c>--error-id</c>, <c>--audience</c>, <c>--from</c>, <c>--to</c>, <c>--max</c> and <c>--list</c> from the arguments after
    /// <c>replay</c>; false with the problem when one is unknown or malformed.
    /// </summary>
    public static bool TryParseCommandLine(IReadOnlyList<string> args, out FailureQuery query, out bool listOnly, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var (name, takesValue) = args[i] switch
            {
                "--error-id" => ("errorId", true),
                "--audience" => ("audienceId", true),
                "--from" => ("from", true),
                "--to" => ("to", true),
                "--max" => ("max", true),
                "--list" => ("listOnly", false),
                _ => ("", false),
            };
            if (name.Length == 0)
            {
                query = new FailureQuery();
                listOnly = false;
                problem = $"Unknown argument '{args[i]}'.";
                return false;
            }

            if (takesValue && i + 1 >= args.Count)
            {
                query = new FailureQuery();
                listOnly = false;
                problem = $"{args[i]} needs a value.";
                return false;
            }

            values[name] = takesValue ? args[++i] : "true";
        }

        return TryParseQuery(key => values.GetValueOrDefault(key), out query, out listOnly, out problem);
    }

    private static bool TryTime(string text, out DateTimeOffset? time)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed);
        time = ok ? parsed : null;
        return ok;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

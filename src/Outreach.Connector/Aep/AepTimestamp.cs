using System.Globalization;
using System.Text.Json;

namespace Outreach.Connector.Aep;

/// <summary>Parses the timestamps AEP puts in exports.</summary>
/// <remarks>
/// Adobe's documents show three text forms (docs/reference/aep.md §1.4): <c>2022-01-11T21:24:39Z</c>,
/// <c>2019-04-15T02:41:50+0000</c> (offset without a colon) and <c>2019-04-15T02:41:50.000+0000</c>; segment
/// timestamps such as <c>updatedAt</c> are Unix epoch milliseconds. All of them are accepted wherever a time is read.
/// </remarks>
public static class AepTimestamp
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    /// <summary>Reads a time from a JSON string (any of the text forms) or number (epoch milliseconds).</summary>
    public static bool TryRead(JsonElement element, out DateTimeOffset value)
    {
        value = default;
        return element.ValueKind switch
        {
            JsonValueKind.String => TryParse(element.GetString(), out value),
            JsonValueKind.Number => element.TryGetInt64(out var milliseconds) && TryFromEpochMilliseconds(milliseconds, out value),
            _ => false,
        };
    }

    /// <summary>Parses one of the text forms; an offset without a colon (<c>+0000</c>) is accepted.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return false;
        }

        ReadOnlySpan<char> input = text;
        if (!HasOffsetWithoutColon(input))
        {
            return ParseExact(input, out value);
        }

        // "+0000" → "+00:00": the custom format specifiers only read offsets with a colon.
        Span<char> normalized = stackalloc char[input.Length + 1];
        input[..^2].CopyTo(normalized);
        normalized[input.Length - 2] = ':';
        input[^2..].CopyTo(normalized[(input.Length - 1)..]);
        return ParseExact(normalized, out value);
    }

    /// <summary>Converts epoch milliseconds, refusing values outside the representable range.</summary>
    public static bool TryFromEpochMilliseconds(long milliseconds, out DateTimeOffset value)
    {
        value = default;
        if (milliseconds < 0 || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    private static bool ParseExact(ReadOnlySpan<char> input, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(input, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    private static bool HasOffsetWithoutColon(ReadOnlySpan<char> text) =>
        text.Length > 5
        && text[^5] is '+' or '-'
        && char.IsAsciiDigit(text[^4]) && char.IsAsciiDigit(text[^3]) && char.IsAsciiDigit(text[^2]) && char.IsAsciiDigit(text[^1]);
}

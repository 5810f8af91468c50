using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Outreach.Connector.Outreach;

/// <summary>Reads Outreach's JSON:API <c>errors</c> array from an error body, tolerating anything else.</summary>
/// <remarks>
/// Shape: <c>{"errors":[{"id":"validationError","title":"…","detail":"…","source":{"pointer":"/data"}}]}</c>.
/// The 415 example in Outreach's docs uses <c>details</c> instead of <c>detail</c>, so both are read. A body that is
/// not JSON (a proxy's HTML page, an empty body) becomes one error whose detail is the start of the text.
/// </remarks>
public static partial class OutreachErrorReader
{
    /// <summary>How much of a non-JSON body is kept as the detail.</summary>
    public const int MaxTextDetailLength = 200;

    /// <summary>Reads the errors of a body; never throws for malformed input.</summary>
    public static IReadOnlyList<OutreachError> Read(ReadOnlySpan<byte> body, string? reasonPhrase)
    {
        if (body.IsEmpty || IsWhiteSpace(body))
        {
            return [new OutreachError(null, reasonPhrase, null, null)];
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var errors = ReadErrors(document.RootElement);
            if (errors.Count > 0)
            {
                return errors;
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the text form.
        }

        return [new OutreachError(null, reasonPhrase, Truncate(Encoding.UTF8.GetString(body)), null)];
    }

    /// <summary>
    /// Reads the time in a 429 detail such as "… please try again at 2017-01-01T00:00:00." (UTC when no offset);
    /// null when there is none.
    /// </summary>
    public static DateTimeOffset? ReadTryAgainAt(IEnumerable<OutreachError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var error in errors)
        {
            if (error.Detail is null)
            {
                continue;
            }

            var match = TryAgainAt().Match(error.Detail);
            if (match.Success && DateTimeOffset.TryParse(
                    match.Groups["at"].Value,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal,
                    out var at))
            {
                return at;
            }
        }

        return null;
    }

    private static List<OutreachError> ReadErrors(JsonElement root)
    {
        var errors = new List<OutreachError>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return errors;
        }

        if (root.TryGetProperty("errors", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var detail = Text(item, "detail") ?? Text(item, "details");
                var pointer = item.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Object
                    ? Text(source, "pointer") ?? Text(source, "parameter")
                    : null;
                errors.Add(new OutreachError(Text(item, "id") ?? Text(item, "code"), Text(item, "title"), detail, pointer));
            }
        }
        else if (Text(root, "error") is { } error)
        {
            // An OAuth-style or gateway body: {"error":"…","error_description":"…"}.
            errors.Add(new OutreachError(error, null, Text(root, "error_description") ?? Text(root, "message"), null));
        }

        return errors;
    }

    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            // "details" could be an array or object: keep it as compact JSON rather than lose it.
            JsonValueKind.Array or JsonValueKind.Object => Truncate(value.GetRawText()),
            _ => null,
        };
    }

    private static string Truncate(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= MaxTextDetailLength ? trimmed : trimmed[..MaxTextDetailLength];
    }

    private static bool IsWhiteSpace(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"try again at\s+(?<at>[0-9][0-9T:.+\- ]*[0-9Z])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex TryAgainAt();
}

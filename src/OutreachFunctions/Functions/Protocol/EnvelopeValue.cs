using System.Globalization;
using System.Text.Json;

namespace OutreachFunctions.Functions.Protocol;

/// <summary>
/// Reads one value of the host's <c>Data</c> or <c>Metadata</c> the way the host wrote it (docs/reference/functions-host.md §2.0).
/// </summary>
/// <remarks>
/// The host passes every value that is not object-like through <c>JsonConvert.SerializeObject</c> and then writes the
/// resulting text as a JSON string, so a string arrives quoted twice (<c>"\"abc\""</c>), a number arrives as a string
/// (<c>"1"</c>) and an array as a string holding JSON (<c>"[1,2]"</c>). The documentation's samples show the same values
/// encoded once. These readers accept both: they peel JSON-string layers (at most <see cref="MaxLayers"/>) and never
/// assume a number is a number.
/// </remarks>
public static class EnvelopeValue
{
    /// <summary>The most string layers peeled from one value; the host adds one, so four leaves room for tolerance.</summary>
    public const int MaxLayers = 4;

    /// <summary>
    /// The value as text: a string is returned without its extra JSON-string layers (<c>"\"abc\""</c> → <c>abc</c>,
    /// <c>"123"</c> → <c>123</c>); a number, boolean, object or array is returned as its JSON text; null as null.
    /// </summary>
    /// <remarks>
    /// Only layers that are themselves JSON strings are peeled, so text that happens to be JSON (<c>{"v":1}</c>, a
    /// message body) is returned as text, not parsed.
    /// </remarks>
    public static string? Text(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined:
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                var text = value.GetString()!;
                for (var layer = 0; layer < MaxLayers && TryParseJsonString(text, out var inner); layer++)
                {
                    text = inner;
                }

                return text;
            default:
                return value.GetRawText();
        }
    }

    /// <summary>
    /// The value with every JSON-string layer that holds JSON removed: <c>"[1,2]"</c> → the array, <c>"{\"a\":1}"</c>
    /// → the object, <c>"5"</c> → the number 5, <c>"\"abc\""</c> → the string <c>abc</c>. Text that is not JSON stays a
    /// string. The result does not depend on the request's document (it is a clone when parsed).
    /// </summary>
    public static JsonElement Json(JsonElement value)
    {
        for (var layer = 0; layer < MaxLayers && value.ValueKind == JsonValueKind.String; layer++)
        {
            if (!TryParse(value.GetString()!, out var parsed))
            {
                break;
            }

            value = parsed;
        }

        return value;
    }

    /// <summary>Reads an integer written as a number or as (possibly quoted) text.</summary>
    public static bool TryGetInt64(JsonElement value, out long number)
    {
        var json = Json(value);
        if (json.ValueKind == JsonValueKind.Number)
        {
            return json.TryGetInt64(out number);
        }

        number = 0;
        return json.ValueKind == JsonValueKind.String
            && long.TryParse(json.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>
    /// Reads a time. Text with an offset keeps it; text without one (the host's <c>DateTime</c> values lose their kind,
    /// e.g. <c>EnqueuedTimeUtc</c>) is read as UTC.
    /// </summary>
    public static bool TryGetDateTimeOffset(JsonElement value, out DateTimeOffset time)
    {
        var text = Text(value);
        return DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out time);
    }

    /// <summary>Reads a JSON array written as an array or as a string holding one (the host's <c>*Array</c> metadata).</summary>
    public static bool TryGetArray(JsonElement value, out JsonElement array)
    {
        array = Json(value);
        return array.ValueKind == JsonValueKind.Array;
    }

    /// <summary>Reads a JSON object written as an object or as a string holding one.</summary>
    public static bool TryGetObject(JsonElement value, out JsonElement obj)
    {
        obj = Json(value);
        return obj.ValueKind == JsonValueKind.Object;
    }

    /// <summary>Finds a property by name: exactly first, then ignoring case (the host's dictionaries are case-insensitive).</summary>
    public static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }

        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static bool TryParseJsonString(string text, out string inner)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' && TryParse(text, out var parsed) && parsed.ValueKind == JsonValueKind.String)
        {
            inner = parsed.GetString()!;
            return true;
        }

        inner = text;
        return false;
    }

    private static bool TryParse(string text, out JsonElement parsed)
    {
        parsed = default;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty || !LooksLikeJson(trimmed[0]))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            parsed = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // A cheap filter so ordinary text (an id, a sentence) is not handed to the parser just to fail.
    private static bool LooksLikeJson(char first) =>
        first is '{' or '[' or '"' or '-' or 't' or 'f' or 'n' || char.IsAsciiDigit(first);
}

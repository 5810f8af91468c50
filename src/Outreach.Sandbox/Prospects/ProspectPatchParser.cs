using System.Globalization;
using System.Text.Json;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>
/// Validates a JSON:API prospect PATCH body like Outreach does and returns either the attribute changes or every
/// problem found (each a 422 <c>validationError</c> with a <c>source.pointer</c>).
/// </summary>
/// <remarks>
/// Unknown and read-only attributes are refused with 422 rather than ignored: Outreach's behaviour is UNCONFIRMED
/// (docs/reference/outreach-api.md §2), and refusing surfaces mapping mistakes in the connector. Relationships are accepted and ignored.
/// </remarks>
internal static class ProspectPatchParser
{
    public static (List<KeyValuePair<string, JsonElement>> Changes, List<ApiError> Errors) Parse(JsonElement root, long urlId, ProspectOptions options)
    {
        var changes = new List<KeyValuePair<string, JsonElement>>();
        var errors = new List<ApiError>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation("/data", "The body must be a JSON:API document with a 'data' object."));
            return (changes, errors);
        }

        if (!data.TryGetProperty("type", out var type))
        {
            errors.Add(ApiErrors.Validation("/data/type", "The resource 'type' is required."));
        }
        else if (type.ValueKind != JsonValueKind.String || type.GetString() != "prospect")
        {
            errors.Add(ApiErrors.Validation("/data/type", "The resource 'type' must be 'prospect'."));
        }

        if (!data.TryGetProperty("id", out var id))
        {
            errors.Add(ApiErrors.Validation("/data/id", "The resource 'id' is required."));
        }
        else if (ReadId(id) != urlId)
        {
            errors.Add(ApiErrors.Validation("/data/id", string.Create(CultureInfo.InvariantCulture, $"The resource 'id' must match the id in the URL ({urlId}).")));
        }

        if (data.TryGetProperty("attributes", out var attributes))
        {
            if (attributes.ValueKind != JsonValueKind.Object)
            {
                errors.Add(ApiErrors.Validation("/data/attributes", "'attributes' must be an object."));
            }
            else
            {
                foreach (var attribute in attributes.EnumerateObject())
                {
                    if (Check(attribute.Name, attribute.Value, options) is { } problem)
                    {
                        errors.Add(ApiErrors.Validation("/data/attributes/" + EscapePointer(attribute.Name), problem));
                    }
                    else
                    {
                        changes.Add(KeyValuePair.Create(attribute.Name, attribute.Value));
                    }
                }
            }
        }

        return (changes, errors);
    }

    private static long? ReadId(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.Number when id.TryGetInt64(out var number) => number,
        // JSON:API ids are strings; Outreach writes numbers. Both are accepted.
        JsonValueKind.String when long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    /// <summary>The problem with writing <paramref name="value"/> to attribute <paramref name="name"/>, or null when it is valid.</summary>
    public static string? Check(string name, JsonElement value, ProspectOptions options)
    {
        if (ProspectAttributes.ReadOnly.Contains(name))
        {
            return $"'{name}' is read-only and cannot be written.";
        }

        if (!ProspectAttributes.Writable.TryGetValue(name, out var rule))
        {
            return ProspectAttributes.CustomFieldNumber(name) is not null
                ? $"'{name}' is not a valid attribute for 'prospect': custom fields are custom1 to custom{ProspectAttributes.CustomFieldCount}."
                : $"'{name}' is not a valid attribute for 'prospect'.";
        }

        if (ProspectAttributes.CustomFieldNumber(name) is { } number && options.MissingCustomFields.Contains(number))
        {
            return $"'{name}' has not been created in this org.";
        }

        return rule.Kind switch
        {
            AttributeKind.String => value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => TooLong(name, value.GetString()!, rule.MaxLength),
                _ => $"'{name}' must be a string.",
            },
            AttributeKind.StringArray => value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Array => value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
                        ? TooLong(name, item.GetString()!, rule.MaxLength)
                        : $"'{name}' must be an array of strings.").FirstOrDefault(problem => problem is not null),
                _ => $"'{name}' must be an array of strings.",
            },
            AttributeKind.Number => value.ValueKind is JsonValueKind.Number or JsonValueKind.Null ? null : $"'{name}' must be a number.",
            AttributeKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"'{name}' must be true or false.",
            AttributeKind.DateTime => value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) => null,
                _ => $"'{name}' must be an ISO-8601 date-time string.",
            },
            _ => null,
        };
    }

    private static string? TooLong(string name, string text, int maxLength) =>
        // Characters as a user counts them (code points), not UTF-16 units; only counted when it could matter.
        text.Length > maxLength && text.EnumerateRunes().Count() > maxLength
            ? string.Create(CultureInfo.InvariantCulture, $"'{name}' is too long (maximum is {maxLength} characters).")
            : null;

    private static string EscapePointer(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}

using System.Globalization;
using System.Text.Json;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;

namespace Outreach.Sandbox.Batches;

/// <summary>
/// Reads a <c>prospectsBulkModify</c> call: the id filter from the query, the ids and changes from the body, in any
/// of the documented body shapes (docs/reference/outreach-api.md, bulk actions).
/// </summary>
/// <remarks>
/// Body shapes: <c>data.attributes</c> = field:value pairs (+ <c>ids</c>); <c>{fieldName, fieldValue, ids}</c>;
/// <c>{field, value}</c>. Query filter forms: <c>actionParams[filter][id][]=1</c> (repeated), the older repeated
/// <c>actionParams[filter][id]=1</c> and the comma form <c>actionParams[filter][id]=1,2,3</c>. A filter with no id
/// in it counts as no filter, as a blank Rails parameter would.
/// </remarks>
internal static class BulkModifyParser
{
    private const string FilterPrefix = "actionParams[filter]";

    /// <summary>Parses the query: the filter's ids (null when none), skipConfirmation, or the status and error that refuse it.</summary>
    public static (IReadOnlyList<long>? Ids, bool SkipConfirmation, int Status, ApiError? Error) ParseQuery(IQueryCollection query, ProspectOptions options)
    {
        List<long>? ids = null;
        foreach (var (key, values) in query)
        {
            if (!key.StartsWith(FilterPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var parts = key switch
            {
                FilterPrefix + "[id][]" => values.Select(value => value ?? ""),
                FilterPrefix + "[id]" => values.SelectMany(value => (value ?? "").Split(',')),
                _ => null,
            };
            if (parts is null)
            {
                return (null, false, StatusCodes.Status400BadRequest, ApiErrors.BadFilter(400, $"The sandbox supports only the id filter, not '{key}'."));
            }

            ids ??= [];
            foreach (var part in parts.Select(p => p.Trim()).Where(p => p.Length > 0))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    return (null, false, StatusCodes.Status400BadRequest, ApiErrors.BadFilter(400, $"{key} value '{part}' is not an id."));
                }

                ids.Add(id);
            }
        }

        if (ids is { Count: > 0 } && ids.Count > options.MaxFilterListLength)
        {
            var status = options.FilterListTooLongStatus;
            return (null, false, status, ApiErrors.BadFilter(status, string.Create(
                CultureInfo.InvariantCulture, $"The filter lists {ids.Count} values; at most {options.MaxFilterListLength} are accepted in one request.")));
        }

        var skip = string.Equals(query["actionParams[skipConfirmation]"], "true", StringComparison.OrdinalIgnoreCase);
        return (ids is { Count: > 0 } ? ids.Distinct().ToList() : null, skip, 0, null);
    }

    /// <summary>Reads the body's changes and ids; every problem becomes a 422 <c>validationError</c>.</summary>
    public static (IReadOnlyList<KeyValuePair<string, JsonElement>> Changes, IReadOnlyList<long>? Ids, List<ApiError> Errors) ParseBody(JsonElement root, ProspectOptions options)
    {
        var errors = new List<ApiError>();
        var changes = new List<KeyValuePair<string, JsonElement>>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object)
        {
            errors.Add(ApiErrors.Validation("/data/attributes", "The body must be a JSON:API document with a 'data.attributes' object."));
            return (changes, null, errors);
        }

        List<long>? ids = null;
        if (attributes.TryGetProperty("ids", out var idArray))
        {
            ids = ReadIds(idArray);
            if (ids is null)
            {
                errors.Add(ApiErrors.Validation("/data/attributes/ids", "'ids' must be an array of prospect ids."));
            }
        }

        foreach (var (name, value, pointer) in Fields(attributes, errors))
        {
            if (ProspectPatchParser.Check(name, value, options) is { } problem)
            {
                errors.Add(ApiErrors.Validation(pointer, problem));
            }
            else
            {
                changes.Add(KeyValuePair.Create(name, value.Clone()));
            }
        }

        if (changes.Count == 0 && errors.Count == 0)
        {
            errors.Add(ApiErrors.Validation("/data/attributes", "The action names no attribute to modify."));
        }

        return (changes, ids, errors);
    }

    private static IEnumerable<(string Name, JsonElement Value, string Pointer)> Fields(JsonElement attributes, List<ApiError> errors)
    {
        var nameKey = attributes.TryGetProperty("fieldName", out _) ? "fieldName" : attributes.TryGetProperty("field", out _) ? "field" : null;
        if (nameKey is null)
        {
            // The SPEC shape: every member but ids is a field:value pair.
            return attributes.EnumerateObject().Where(p => p.Name != "ids").Select(p => (p.Name, p.Value, "/data/attributes/" + p.Name)).ToList();
        }

        var valueKey = nameKey == "fieldName" ? "fieldValue" : "value";
        var name = attributes.GetProperty(nameKey);
        if (name.ValueKind != JsonValueKind.String || !attributes.TryGetProperty(valueKey, out var value))
        {
            errors.Add(ApiErrors.Validation("/data/attributes/" + nameKey, $"'{nameKey}' must name an attribute and '{valueKey}' must give its value."));
            return [];
        }

        return [(name.GetString()!, value, "/data/attributes/" + valueKey)];
    }

    private static List<long>? ReadIds(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var ids = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var number))
            {
                ids.Add(number);
            }
            else if (item.ValueKind == JsonValueKind.String && long.TryParse(item.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number))
            {
                ids.Add(number);
            }
            else
            {
                return null;
            }
        }

        return ids;
    }
}

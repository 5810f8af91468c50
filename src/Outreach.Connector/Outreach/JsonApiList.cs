using System.Globalization;
using System.Text.Json;

namespace Outreach.Connector.Outreach;

/// <summary>Reads a JSON:API list answer: its resources' ids and attributes, and the <c>links.next</c> page URL.</summary>
internal static class JsonApiList
{
    /// <summary>Parses the document; null when it is not a JSON:API list (the caller reports a transient failure).</summary>
    public static (List<ProspectValues> Resources, Uri? Next)? Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var resources = new List<ProspectValues>();
            foreach (var resource in data.EnumerateArray())
            {
                if (resource.ValueKind != JsonValueKind.Object || !resource.TryGetProperty("id", out var idElement) || ReadId(idElement) is not { } id)
                {
                    return null;
                }

                var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                if (resource.TryGetProperty("attributes", out var attributeObject) && attributeObject.ValueKind == JsonValueKind.Object)
                {
                    foreach (var attribute in attributeObject.EnumerateObject())
                    {
                        attributes[attribute.Name] = attribute.Value.Clone();
                    }
                }

                resources.Add(new ProspectValues(id, attributes));
            }

            Uri? next = root.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Object
                && links.TryGetProperty("next", out var nextElement) && nextElement.ValueKind == JsonValueKind.String
                && Uri.TryCreate(nextElement.GetString(), UriKind.Absolute, out var nextUri)
                    ? nextUri
                    : null;
            return (resources, next);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A JSON:API id: Outreach writes numbers, the standard says strings; both are read.</summary>
    public static long? ReadId(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.Number when id.TryGetInt64(out var number) && number > 0 => number,
        JsonValueKind.String when long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 => number,
        _ => null,
    };
}

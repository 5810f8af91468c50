using System.Buffers;
using System.Text.Json;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Builds the JSON:API body of <c>PATCH /api/v2/prospects/{id}</c>:
/// <c>{"data":{"type":"prospect","id":123,"attributes":{…}}}</c>, and of a create (<c>POST /api/v2/prospects</c>, the
/// same without the id, with the owner relationship; docs/reference/outreach-prospect-creation.md).
/// </summary>
/// <remarks>
/// Outreach changes only the attributes sent, requires <c>type</c> and an <c>id</c> equal to the one in the URL,
/// and expects the content type <see cref="MediaType"/> (reference: docs/reference/outreach-api.md §2).
/// </remarks>
public static class ProspectPatchBody
{
    /// <summary>The JSON:API media type Outreach requires for writes.</summary>
    public const string MediaType = "application/vnd.api+json";

    /// <summary>The relative URL of one prospect, to resolve against the API base address (…/api/v2/).</summary>
    public static string RelativeUrl(long prospectId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"prospects/{prospectId}");

    /// <summary>Builds the UTF-8 body for one prospect.</summary>
    public static byte[] Build(long prospectId, IEnumerable<KeyValuePair<string, FieldValue>> attributes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prospectId);
        ArgumentNullException.ThrowIfNull(attributes);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString("type", "prospect");
            writer.WriteNumber("id", prospectId);
            writer.WriteStartObject("attributes");
            foreach (var (name, value) in attributes)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Builds the body that applies every field of an update.</summary>
    public static byte[] Build(ProspectUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Build(update.ProspectId, update.Fields.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Value)));
    }

    /// <summary>Builds the UTF-8 body of a create: the attributes and, when given, the owner relationship.</summary>
    public static byte[] BuildCreate(IEnumerable<KeyValuePair<string, FieldValue>> attributes, long? ownerId)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString("type", "prospect");
            writer.WriteStartObject("attributes");
            foreach (var (name, value) in attributes)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
            if (ownerId is { } owner)
            {
                writer.WriteStartObject("relationships");
                writer.WriteStartObject("owner");
                writer.WriteStartObject("data");
                writer.WriteString("type", "user");
                writer.WriteNumber("id", owner);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The id in a create's answer (<c>data.id</c>, a number or a numeric string), or null when it has none.</summary>
    public static long? ReadCreatedId(ReadOnlySpan<byte> answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("id", out var id))
            {
                if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number) && number > 0)
                {
                    return number;
                }

                if (id.ValueKind == JsonValueKind.String && long.TryParse(id.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
                {
                    return parsed;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: no id.
        }

        return null;
    }
}

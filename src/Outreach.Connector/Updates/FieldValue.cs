using System.Text.Json;

namespace Outreach.Connector.Updates;

/// <summary>A value to write into one Outreach prospect attribute, kept as its compact JSON text.</summary>
/// <remarks>
/// Keeping the raw JSON (a string, number, boolean or array of those) means the value travels from the AEP
/// export through the queue into the PATCH body byte for byte, with no type juggling on the way, and two
/// values compare equal exactly when their JSON text does.
/// </remarks>
public readonly record struct FieldValue
{
    private FieldValue(string json) => Json = json;

    /// <summary>The compact JSON text of the value, e.g. <c>"realized"</c> or <c>42</c>.</summary>
    public string Json { get; }

    /// <summary>A JSON string value.</summary>
    public static FieldValue FromString(string value) => new(JsonSerializer.Serialize(value, UpdatesJsonContext.Default.String));

    /// <summary>Wraps JSON text that the caller has already validated as one compact JSON value.</summary>
    internal static FieldValue FromTrustedJson(string json) => new(json);

    /// <summary>Takes the value of a JSON element as compact JSON text.</summary>
    public static FieldValue FromElement(JsonElement element) =>
        new(element.ValueKind is JsonValueKind.Array or JsonValueKind.Object ? Compact(element) : element.GetRawText());

    /// <summary>Parses JSON text into a value; throws <see cref="JsonException"/> when it is not one JSON value.</summary>
    public static FieldValue Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromElement(document.RootElement);
    }

    /// <summary>The value as a string when it is a JSON string; otherwise null.</summary>
    public string? AsString()
    {
        if (Json is null || Json.Length == 0 || Json[0] != '"')
        {
            return null;
        }

        return JsonSerializer.Deserialize(Json, UpdatesJsonContext.Default.String);
    }

    /// <summary>Writes the value into a JSON document being built.</summary>
    public void WriteTo(Utf8JsonWriter writer) => writer.WriteRawValue(Json, skipInputValidation: true);

    /// <inheritdoc />
    public override string ToString() => Json;

    private static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Mapping;

/// <summary>Reads a mapped attribute's value from a profile and shapes it to the type Outreach expects.</summary>
/// <remarks>
/// A missing value or JSON null writes nothing: the connector never erases data in Outreach because a profile
/// lacks a value. Scalars are converted where the meaning is unambiguous (a number into a text field, a single
/// text into a list field); anything else is refused with the path of the value.
/// </remarks>
internal static class AttributeValueReader
{
    internal enum ReadOutcome
    {
        Value,
        Absent,
        Invalid,
    }

    internal static ReadOutcome Read(JsonElement profile, string profilePath, CompiledAttribute attribute, out FieldValue value, out string errorPath, out string error)
    {
        value = default;
        errorPath = "";
        error = "";
        var element = profile;
        foreach (var segment in attribute.Segments)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
            {
                return ReadOutcome.Absent;
            }
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            return ReadOutcome.Absent;
        }

        var result = attribute.Kind switch
        {
            OutreachAttributeKind.Text => ReadText(element, attribute, out value, out error),
            OutreachAttributeKind.TextList => ReadTextList(element, attribute, out value, out error),
            OutreachAttributeKind.Number => ReadNumber(element, attribute, out value, out error),
            OutreachAttributeKind.Boolean => ReadBoolean(element, attribute, out value, out error),
            _ => throw new InvalidOperationException($"Unknown attribute kind {attribute.Kind}."),
        };

        // The path is only built for the error message: the common case allocates nothing for it.
        if (result == ReadOutcome.Invalid)
        {
            errorPath = attribute.Segments.Aggregate(profilePath, Aep.JsonPath.Property);
        }

        return result;
    }

    private static ReadOutcome ReadText(JsonElement element, CompiledAttribute attribute, out FieldValue value, out string error)
    {
        value = default;
        error = "";
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.Length > attribute.MaxLength)
                {
                    error = TooLong(attribute, text.Length);
                    return ReadOutcome.Invalid;
                }

                value = FieldValue.FromElement(element);
                return ReadOutcome.Value;
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                value = FieldValue.FromString(element.GetRawText());
                return ReadOutcome.Value;
            default:
                error = $"{attribute.Target} takes text, but the profile has a JSON {Describe(element)} at {attribute.Source}.";
                return ReadOutcome.Invalid;
        }
    }

    private static ReadOutcome ReadTextList(JsonElement element, CompiledAttribute attribute, out FieldValue value, out string error)
    {
        value = default;
        error = "";
        if (element.ValueKind == JsonValueKind.String)
        {
            return ReadText(element, attribute, out var single, out error) == ReadOutcome.Value
                ? Wrap(single, out value)
                : ReadOutcome.Invalid;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            error = $"{attribute.Target} takes a list of text, but the profile has a JSON {Describe(element)} at {attribute.Source}.";
            return ReadOutcome.Invalid;
        }

        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                error = $"{attribute.Target} takes a list of text, but an item at {attribute.Source} is a JSON {Describe(item)}.";
                return ReadOutcome.Invalid;
            }

            if (item.GetString()!.Length > attribute.MaxLength)
            {
                error = TooLong(attribute, item.GetString()!.Length);
                return ReadOutcome.Invalid;
            }
        }

        value = FieldValue.FromElement(element);
        return ReadOutcome.Value;
    }

    private static ReadOutcome ReadNumber(JsonElement element, CompiledAttribute attribute, out FieldValue value, out string error)
    {
        value = default;
        error = "";
        if (element.ValueKind == JsonValueKind.Number)
        {
            value = FieldValue.FromElement(element);
            return ReadOutcome.Value;
        }

        if (element.ValueKind == JsonValueKind.String
            && decimal.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            value = FieldValue.Parse(number.ToString(CultureInfo.InvariantCulture));
            return ReadOutcome.Value;
        }

        error = $"{attribute.Target} takes a number, but the profile has a JSON {Describe(element)} at {attribute.Source}.";
        return ReadOutcome.Invalid;
    }

    private static ReadOutcome ReadBoolean(JsonElement element, CompiledAttribute attribute, out FieldValue value, out string error)
    {
        value = default;
        error = "";
        bool? flag = element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(element.GetString(), out var parsed) => parsed,
            _ => null,
        };
        if (flag is null)
        {
            error = $"{attribute.Target} takes true or false, but the profile has a JSON {Describe(element)} at {attribute.Source}.";
            return ReadOutcome.Invalid;
        }

        value = FieldValue.Parse(flag.Value ? "true" : "false");
        return ReadOutcome.Value;
    }

    private static ReadOutcome Wrap(FieldValue single, out FieldValue list)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            single.WriteTo(writer);
            writer.WriteEndArray();
        }

        list = FieldValue.Parse(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        return ReadOutcome.Value;
    }

    private static string TooLong(CompiledAttribute attribute, int length) =>
        string.Create(CultureInfo.InvariantCulture, $"{attribute.Target} holds at most {attribute.MaxLength} characters; the value at {attribute.Source} has {length}.");

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "number",
        _ => "true/false",
    };
}

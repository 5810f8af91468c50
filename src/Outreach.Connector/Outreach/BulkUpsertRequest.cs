using System.Buffers;
using System.Text.Json;

namespace Outreach.Connector.Outreach;

/// <summary>
/// The body of <c>POST /imports/actions/bulkUpsert</c> (docs/reference/outreach-imports.md §1, §4):
/// <c>{"data":{"type":"import","attributes":{"dupeMethod":"overwriteNoCreate","fileName":…,"records":[…]}}}</c>, and
/// the last check of a body before it is sent.
/// </summary>
public static class BulkUpsertRequest
{
    /// <summary>The one dupe method a prospect updater may send: it updates existing prospects and never creates one (§3).</summary>
    public const string DupeMethod = "overwriteNoCreate";

    /// <summary>The relative URL of the action.</summary>
    public const string RelativeUrl = "imports/actions/bulkUpsert";

    /// <summary>The body for <paramref name="records"/> in the record shape given.</summary>
    public static byte[] Body(IReadOnlyList<ImportRecord> records, ImportRecordShape shape, string fileName)
    {
        ArgumentNullException.ThrowIfNull(records);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString("type", "import");
            writer.WriteStartObject("attributes");
            writer.WriteString("dupeMethod", DupeMethod);
            writer.WriteString("fileName", fileName);
            writer.WriteStartArray("records");
            foreach (var record in records)
            {
                writer.WriteStartObject();
                if (shape == ImportRecordShape.Document)
                {
                    writer.WriteStartObject("data");
                }

                writer.WriteString("type", "prospect");
                writer.WriteNumber("id", record.ProspectId);
                writer.WriteStartObject("attributes");
                foreach (var (name, value) in record.Attributes)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
                if (shape == ImportRecordShape.Document)
                {
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// What is wrong with sending <paramref name="body"/>, read back from the bytes about to go out: a dupe method other
    /// than <see cref="DupeMethod"/>, or a record that does not name exactly one of <paramref name="prospectIds"/>
    /// (a record without an id is a new prospect). Null when it is safe.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="prospectIds">The prospects the body was built for.</param>
    /// <param name="whom">How the problem names them (the probe says "test prospect 7").</param>
    public static string? SafetyProblem(byte[] body, IReadOnlySet<long> prospectIds, string whom = "one of the prospects it was built for")
    {
        ArgumentNullException.ThrowIfNull(prospectIds);
        using var document = JsonDocument.Parse(body);
        var attributes = document.RootElement.GetProperty("data").GetProperty("attributes");
        if (attributes.GetProperty("dupeMethod").GetString() != DupeMethod)
        {
            return $"the dupe method is not {DupeMethod}";
        }

        foreach (var record in attributes.GetProperty("records").EnumerateArray())
        {
            var resource = record.TryGetProperty("data", out var data) ? data : record;
            if (!resource.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var value) || !prospectIds.Contains(value))
            {
                return $"a record does not name {whom}";
            }
        }

        return null;
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Builds a <c>prospectsBulkModify</c> call: the id filter ALWAYS in the query string
/// (<c>actionParams[filter][id][]=…</c>, the documented selector), and the body in the configured shape.
/// </summary>
/// <remarks>docs/reference/outreach-api.md, bulk actions: with no filter the action modifies every prospect.</remarks>
public static class BulkModifyRequest
{
    /// <summary>The query key of one selected id.</summary>
    public const string IdFilterKey = "actionParams[filter][id][]";

    /// <summary>The relative URL with one <see cref="IdFilterKey"/> per id and <c>skipConfirmation=true</c>.</summary>
    public static string RelativeUrl(BulkProspectIds ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var url = new StringBuilder("batches/actions/prospectsBulkModify?actionParams[skipConfirmation]=true");
        foreach (var id in ids)
        {
            url.Append('&').Append(IdFilterKey).Append('=').Append(id.ToString(CultureInfo.InvariantCulture));
        }

        return url.ToString();
    }

    /// <summary>
    /// The last check before a send: the URL's query selects exactly <paramref name="ids"/> through <see cref="IdFilterKey"/>.
    /// Returns the problem, or null when the filter is intact.
    /// </summary>
    public static string? FilterProblem(string relativeUrl, BulkProspectIds ids)
    {
        ArgumentNullException.ThrowIfNull(relativeUrl);
        ArgumentNullException.ThrowIfNull(ids);
        var query = relativeUrl.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? relativeUrl[(at + 1)..] : "";
        var selected = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => pair.StartsWith(IdFilterKey + "=", StringComparison.Ordinal))
            .Select(pair => long.TryParse(pair.AsSpan(IdFilterKey.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .ToList();
        if (selected.Count == 0)
        {
            return "the id filter is missing from the query string";
        }

        return selected.Count != ids.Count || selected.Any(id => id <= 0) || !selected.Order().SequenceEqual(ids)
            ? "the id filter in the query string does not select exactly the intended prospects"
            : null;
    }

    /// <summary>The body in <paramref name="shape"/>; null when the shape cannot carry the changes (single-field shapes, several fields).</summary>
    public static byte[]? Body(BulkBodyShape shape, BulkProspectIds ids, IReadOnlyList<KeyValuePair<string, FieldValue>> changes)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0 || (shape != BulkBodyShape.Attributes && changes.Count != 1))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString("type", "batch");
            writer.WriteStartObject("attributes");
            switch (shape)
            {
                case BulkBodyShape.FieldNameValue:
                    writer.WriteString("fieldName", changes[0].Key);
                    writer.WritePropertyName("fieldValue");
                    changes[0].Value.WriteTo(writer);
                    WriteIds(writer, ids);
                    break;
                case BulkBodyShape.FieldValue:
                    writer.WriteString("field", changes[0].Key);
                    writer.WritePropertyName("value");
                    changes[0].Value.WriteTo(writer);
                    break;
                default:
                    foreach (var (name, value) in changes)
                    {
                        writer.WritePropertyName(name);
                        value.WriteTo(writer);
                    }

                    WriteIds(writer, ids);
                    break;
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIds(Utf8JsonWriter writer, BulkProspectIds ids)
    {
        writer.WriteStartArray("ids");
        foreach (var id in ids)
        {
            writer.WriteNumberValue(id);
        }

        writer.WriteEndArray();
    }
}

using System.Globalization;
using System.Text.Json;

namespace Outreach.Sandbox.Prospects;

/// <summary>Writes prospects as JSON:API documents: <c>{"data":{"type":"prospect","id":N,"attributes":{…}}}</c>.</summary>
internal static class ProspectDocument
{
    public static async Task WriteAsync(HttpContext context, ProspectSnapshot prospect, ISet<string>? fields, int status = StatusCodes.Status200OK)
    {
        await using var writer = Api.JsonApiDocument.Start(context);
        // A create answers 201; nothing is written yet, so the status can still change.
        context.Response.StatusCode = status;
        writer.WriteStartObject();
        writer.WritePropertyName("data");
        WriteResource(writer, prospect, fields, context.Request);
        writer.WriteEndObject();
    }

    public static Task WriteListAsync(HttpContext context, IEnumerable<ProspectSnapshot> prospects, ISet<string>? fields, string? next) =>
        Api.JsonApiDocument.WriteListAsync(context, prospects, (writer, prospect) => WriteResource(writer, prospect, fields, context.Request), next);

    private static void WriteResource(Utf8JsonWriter writer, ProspectSnapshot prospect, ISet<string>? fields, HttpRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "prospect");
        writer.WriteNumber("id", prospect.Id);
        writer.WriteStartObject("attributes");
        foreach (var (name, value) in prospect.Attributes.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (fields is null || fields.Contains(name))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        // Read-only attributes Outreach computes.
        if (fields is null || fields.Contains("name"))
        {
            writer.WriteString("name", string.Join(' ', new[] { Text(prospect, "firstName"), Text(prospect, "lastName") }.Where(s => !string.IsNullOrEmpty(s))));
        }

        if (fields is null || fields.Contains("createdAt"))
        {
            writer.WriteString("createdAt", prospect.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }

        if (fields is null || fields.Contains("updatedAt"))
        {
            writer.WriteString("updatedAt", prospect.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}/api/v2/prospects/{prospect.Id}"));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string? Text(ProspectSnapshot prospect, string name) =>
        prospect.Attributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

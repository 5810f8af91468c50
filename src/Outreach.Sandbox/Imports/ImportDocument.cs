using System.Globalization;
using System.Text.Json;
using Outreach.Sandbox.Api;

namespace Outreach.Sandbox.Imports;

/// <summary>Writes imports as Outreach's JSON:API <c>import</c> resource (docs/reference/outreach-imports.md), and the admin view of them.</summary>
internal static class ImportDocument
{
    public static async Task WriteImportAsync(HttpContext context, ImportStore store, long importId)
    {
        await using var writer = JsonApiDocument.Start(context);
        store.Read((imports, _) =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("data");
            WriteImport(writer, imports[importId], context.Request, adminView: false);
            writer.WriteEndObject();
            return 0;
        });
    }

    /// <summary>The admin view: every import (with the prospects it created) and every created prospect's attributes.</summary>
    public static async Task WriteAdminAsync(HttpContext context, ImportStore store)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, SandboxJson.WriterOptions);
        store.Read((imports, created) =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("imports");
            foreach (var import in imports.Values.OrderBy(i => i.Id))
            {
                WriteImport(writer, import, context.Request, adminView: true);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("createdProspects");
            foreach (var (id, attributes) in created)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                writer.WriteStartObject("attributes");
                foreach (var (name, value) in attributes)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            return 0;
        });
    }

    private static void WriteImport(Utf8JsonWriter writer, Import import, HttpRequest request, bool adminView)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "import");
        writer.WriteNumber("id", import.Id);
        writer.WriteStartObject("attributes");
        writer.WriteString("state", import.State);
        WriteTime(writer, "stateChangedAt", import.StateChangedAt);
        writer.WriteNumber("total", import.Records.Count);
        // Counts are known once the import has run, as Outreach's would be.
        writer.WriteNumber("failures", import.Failures);
        writer.WriteNumber("dupes", import.Dupes);
        if (import.ErrorReason is null)
        {
            writer.WriteNull("errorReason");
        }
        else
        {
            writer.WriteString("errorReason", import.ErrorReason);
        }

        writer.WriteString("dupeMethod", import.DupeMethod);
        writer.WriteString("fileName", import.FileName);
        writer.WriteNumber("fileSize", import.FileSize);
        writer.WriteString("importType", Import.ProspectImportType);
        WriteTime(writer, "createdAt", import.CreatedAt);
        WriteTime(writer, "updatedAt", import.StateChangedAt);
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}/api/v2/imports/{import.Id}"));
        writer.WriteEndObject();
        if (adminView)
        {
            // Admin only: Outreach reports counts, never which prospects an import created, so the API answer must not either.
            writer.WriteStartObject("meta");
            writer.WriteStartArray("createdProspectIds");
            foreach (var id in import.CreatedProspectIds)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset at) =>
        writer.WriteString(name, at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}

using System.Text.Json;

namespace Outreach.Sandbox.Api;

/// <summary>The frame of Outreach's JSON:API answers: 200 with the API's media type, one resource or a list with its next page.</summary>
internal static class JsonApiDocument
{
    /// <summary>Starts a 200 answer; the caller writes the document and disposes the writer.</summary>
    public static Utf8JsonWriter Start(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ApiErrors.MediaType;
        return new Utf8JsonWriter(context.Response.BodyWriter, SandboxJson.WriterOptions);
    }

    /// <summary>Writes <c>{"data":[…],"links":{"next":…}}</c>, each item by <paramref name="writeItem"/>; no links without a next page.</summary>
    public static async Task WriteListAsync<T>(HttpContext context, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem, string? next)
    {
        await using var writer = Start(context);
        writer.WriteStartObject();
        writer.WriteStartArray("data");
        foreach (var item in items)
        {
            writeItem(writer, item);
        }

        writer.WriteEndArray();
        if (next is not null)
        {
            writer.WriteStartObject("links");
            writer.WriteString("next", next);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

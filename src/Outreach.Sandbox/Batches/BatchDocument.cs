using System.Globalization;
using System.Text.Json;
using Outreach.Sandbox.Api;

namespace Outreach.Sandbox.Batches;

/// <summary>Writes batches and batch items as Outreach's JSON:API documents (docs/reference/outreach-api.md, batches).</summary>
internal static class BatchDocument
{
    public static async Task WriteBatchAsync(HttpContext context, BatchStore store, long batchId)
    {
        await using var writer = JsonApiDocument.Start(context);
        store.Read(batches =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("data");
            WriteBatch(writer, batches[batchId], context.Request);
            writer.WriteEndObject();
            return 0;
        });
    }

    public static Task WriteItemsAsync(HttpContext context, IReadOnlyList<BatchItem> items, string? next) =>
        JsonApiDocument.WriteListAsync(context, items, WriteItem, next);

    private static void WriteBatch(Utf8JsonWriter writer, Batch batch, HttpRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "batch");
        writer.WriteNumber("id", batch.Id);
        writer.WriteStartObject("attributes");
        writer.WriteString("action", batch.Action);
        writer.WriteString("state", batch.State);
        writer.WriteNumber("total", batch.Total);
        writer.WriteNumber("pending", batch.Pending);
        writer.WriteNumber("failures", batch.Failures);
        writer.WriteNumber("confirmedCountRequired", batch.Total);
        WriteTime(writer, "confirmedAt", batch.ConfirmedAt);
        WriteTime(writer, "startedAt", batch.StartedAt);
        WriteTime(writer, "finishedAt", batch.FinishedAt);
        WriteTime(writer, "canceledAt", null);
        WriteTime(writer, "createdAt", batch.CreatedAt);
        WriteTime(writer, "updatedAt", batch.UpdatedAt);
        writer.WriteStartObject("payload");
        foreach (var (name, value) in batch.Changes)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("relationships");
        writer.WriteStartObject("batchItems");
        writer.WriteStartObject("links");
        writer.WriteString("related", string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}/api/v2/batchItems?filter[batch][id]={batch.Id}"));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}/api/v2/batches/{batch.Id}"));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteItem(Utf8JsonWriter writer, BatchItem item)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "batchItem");
        writer.WriteNumber("id", item.Id);
        writer.WriteStartObject("attributes");
        writer.WriteNumber("batchId", item.BatchId);
        writer.WriteString("state", !item.Processed ? "pending" : item.Failed ? "failed" : "done");
        writer.WriteBoolean("failed", item.Failed);
        if (item.Info is null)
        {
            writer.WriteNull("info");
        }
        else
        {
            writer.WriteString("info", item.Info);
        }

        // "The request data": the only place that names the prospect (a batchItem has no prospect relationship).
        writer.WriteStartObject("data");
        writer.WriteNumber("id", item.ProspectId);
        writer.WriteString("type", "prospect");
        writer.WriteStartObject("attributes");
        foreach (var (name, value) in item.Changes)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        WriteTime(writer, "createdAt", item.CreatedAt);
        WriteTime(writer, "updatedAt", item.UpdatedAt);
        writer.WriteEndObject();
        writer.WriteStartObject("relationships");
        writer.WriteStartObject("batch");
        writer.WriteStartObject("data");
        writer.WriteString("type", "batch");
        writer.WriteNumber("id", item.BatchId);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            writer.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}

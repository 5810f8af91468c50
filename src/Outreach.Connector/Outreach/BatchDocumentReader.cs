using System.Globalization;
using System.Text.Json;

namespace Outreach.Connector.Outreach;

/// <summary>Reads batch and batchItem documents tolerantly: numbers or numeric strings, <c>data</c> as object or JSON text.</summary>
internal static class BatchDocumentReader
{
    /// <summary>The batch in a <c>{"data":{…}}</c> document; null when it is not one.</summary>
    public static BatchStatus? ReadBatch(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("id", out var idElement) || JsonApiList.ReadId(idElement) is not { } id)
            {
                return null;
            }

            var attributes = data.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
            return new BatchStatus(
                id,
                Text(attributes, "state"),
                Count(attributes, "total"),
                Count(attributes, "pending"),
                Count(attributes, "failures"),
                Text(attributes, "finishedAt") is { } finished
                    && DateTimeOffset.TryParse(finished, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The failed items of one batch in a batchItems list page, and the next page; null when it is not a list.</summary>
    public static (List<BatchItemFailure> Failures, Uri? Next)? ReadFailedItems(ReadOnlyMemory<byte> body, long batchId)
    {
        if (JsonApiList.Read(body) is not { } page)
        {
            return null;
        }

        var failures = new List<BatchItemFailure>();
        foreach (var item in page.Resources)
        {
            var attributes = item.Attributes;
            var failed = attributes.TryGetValue("failed", out var f) && f.ValueKind == JsonValueKind.True;
            // Items of other batches are skipped, in case the batch filter is not applied.
            var ofBatch = !attributes.TryGetValue("batchId", out var b) || JsonApiList.ReadId(b) is not { } owner || owner == batchId;
            if (failed && ofBatch)
            {
                failures.Add(new BatchItemFailure(
                    item.Id,
                    attributes.TryGetValue("data", out var data) ? ProspectIdOf(data) : null,
                    attributes.TryGetValue("info", out var info) && info.ValueKind == JsonValueKind.String ? info.GetString() : null));
            }
        }

        return (failures, page.Next);
    }

    /// <summary>
    /// The prospect a batchItem's <c>data</c> names (it has no prospect relationship): <c>id</c>, <c>prospectId</c>, or a
    /// single-element <c>ids</c>, at the top or under <c>attributes</c>; <c>data</c> may also be JSON text.
    /// </summary>
    public static long? ProspectIdOf(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(data.GetString()!);
                return ProspectIdOf(inner.RootElement);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in new[] { "id", "prospectId", "prospect_id" })
        {
            if (data.TryGetProperty(name, out var value) && JsonApiList.ReadId(value) is { } id)
            {
                return id;
            }
        }

        if (data.TryGetProperty("ids", out var ids) && ids.ValueKind == JsonValueKind.Array && ids.GetArrayLength() == 1)
        {
            return JsonApiList.ReadId(ids[0]);
        }

        return data.TryGetProperty("attributes", out var attributes) ? ProspectIdOf(attributes) : null;
    }

    private static string? Text(JsonElement attributes, string name) =>
        attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? Count(JsonElement attributes, string name)
    {
        if (attributes.ValueKind != JsonValueKind.Object || !attributes.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }
}

using System.Text.Json;

namespace OutreachFunctions.Functions.Protocol;

/// <summary>
/// Decodes the data and metadata of a <c>serviceBusTrigger</c> invocation, single or batch (docs/reference/functions-host.md §2.2–2.3).
/// </summary>
/// <remarks>
/// <para>Batch (<c>cardinality: many</c>, <c>dataType: string</c>): <c>Data.&lt;binding&gt;</c> is a JSON string holding
/// a JSON array of body strings; each metadata key comes with the suffix <c>Array</c> (<c>MessageIdArray</c>,
/// <c>DeliveryCountArray</c>, <c>SequenceNumberArray</c>, <c>EnqueuedTimeArray</c>, <c>ApplicationPropertiesArray</c>…),
/// again a JSON string holding an array, index-aligned with the bodies. An array whose length differs from the number
/// of bodies is ignored as a whole (a warning says so) rather than applied to the wrong messages. A batch is
/// recognised by its <c>*Array</c> keys, or, with no metadata at all, by a body value that is an array once decoded.</para>
/// <para>Single (<c>cardinality: one</c>): the body arrives quoted twice (<c>"\"{…}\""</c>); the documentation's
/// once-quoted form and a raw JSON object are read too. Metadata keys have no suffix. When the body is a JSON object the
/// host also copies its top-level non-array fields into the metadata, overwriting same-named keys (names compared
/// ignoring case): a body field <c>messageId</c> replaces <c>MessageId</c>. So for a single message, every metadata key
/// that the body also carries is ignored (null, with a warning) instead of trusted. Batch metadata cannot be shadowed
/// this way: the host copies fields only from an object-valued trigger, and a batch is an array. Prefer batches.</para>
/// </remarks>
public static class ServiceBusTriggerDecoder
{
    private static readonly string[] BatchMarkers =
    [
        "MessageIdArray", "SequenceNumberArray", "DeliveryCountArray", "LockTokenArray", "EnqueuedTimeUtcArray",
        "EnqueuedTimeArray", "ApplicationPropertiesArray", "UserPropertiesArray",
    ];

    /// <summary>Decodes the messages of the trigger binding named <paramref name="bindingName"/>.</summary>
    /// <exception cref="InvocationFormatException">The binding is missing, or a batch's data is not an array.</exception>
    public static ServiceBusTriggerBatch Decode(InvocationRequest request, string bindingName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.TryGetData(bindingName, out var data))
        {
            throw new InvocationFormatException($"The invocation request has no Data.{bindingName} (the Service Bus trigger binding).");
        }

        return IsBatch(request, data) ? DecodeBatch(request, bindingName, data) : DecodeSingle(request, data);
    }

    private static bool IsBatch(InvocationRequest request, JsonElement data)
    {
        if (BatchMarkers.Any(key => request.TryGetMetadata(key, out _)))
        {
            return true;
        }

        if (request.TryGetMetadata("MessageId", out _) || request.TryGetMetadata("SequenceNumber", out _))
        {
            return false;
        }

        // No metadata to go by: a batch's data is an array after one decoding, a single body is still a string then.
        return data.ValueKind == JsonValueKind.Array
            || (data.ValueKind == JsonValueKind.String && data.GetString()!.AsSpan().TrimStart().StartsWith("["));
    }

    private static ServiceBusTriggerBatch DecodeBatch(InvocationRequest request, string bindingName, JsonElement data)
    {
        if (!EnvelopeValue.TryGetArray(data, out var bodies))
        {
            throw new InvocationFormatException(
                $"Data.{bindingName} of a Service Bus batch must be an array of message bodies (set \"cardinality\": \"many\" and \"dataType\": \"string\" in function.json).");
        }

        var count = bodies.GetArrayLength();
        var warnings = new List<string>();
        var metadata = new BatchMetadata(request, count, warnings);
        var messages = new List<ServiceBusTriggerMessage>(count);
        var index = 0;
        foreach (var body in bodies.EnumerateArray())
        {
            messages.Add(new ServiceBusTriggerMessage
            {
                Index = index,
                Body = body.ValueKind == JsonValueKind.String ? body.GetString()! : body.GetRawText(),
                MessageId = metadata.Text(index, "MessageId"),
                DeliveryCount = ToInt32(metadata.Int64(index, "DeliveryCount")),
                SequenceNumber = metadata.Int64(index, "SequenceNumber"),
                EnqueuedTime = metadata.Time(index, "EnqueuedTime") ?? metadata.Time(index, "EnqueuedTimeUtc"),
                ExpiresAt = metadata.Time(index, "ExpiresAt") ?? metadata.Time(index, "ExpiresAtUtc"),
                CorrelationId = metadata.Text(index, "CorrelationId"),
                ContentType = metadata.Text(index, "ContentType"),
                Subject = metadata.Text(index, "Subject") ?? metadata.Text(index, "Label"),
                ApplicationProperties = metadata.Properties(index, "ApplicationProperties") ?? metadata.Properties(index, "UserProperties") ?? Empty,
            });
            index++;
        }

        return new ServiceBusTriggerBatch(messages, IsBatch: true, warnings);
    }

    private static ServiceBusTriggerBatch DecodeSingle(InvocationRequest request, JsonElement data)
    {
        var body = EnvelopeValue.Text(data) ?? "";
        var warnings = new List<string>();
        var shadowing = BodyFieldNames(body);

        bool Trusted(string key, out JsonElement value)
        {
            if (!request.TryGetMetadata(key, out value))
            {
                return false;
            }

            if (shadowing.Contains(key))
            {
                warnings.Add($"Metadata.{key} ignored: the message body has a top-level field of the same name, which the host copies over the metadata.");
                return false;
            }

            return true;
        }

        string? Text(string key) => Trusted(key, out var v) ? EnvelopeValue.Text(v) : null;

        long? Int64(string key)
        {
            if (!Trusted(key, out var v))
            {
                return null;
            }

            if (EnvelopeValue.TryGetInt64(v, out var number))
            {
                return number;
            }

            warnings.Add($"Metadata.{key} ignored: not an integer.");
            return null;
        }

        DateTimeOffset? Time(string key) => Trusted(key, out var v) && EnvelopeValue.TryGetDateTimeOffset(v, out var t) ? t : null;

        IReadOnlyDictionary<string, JsonElement>? Properties(string key) =>
            Trusted(key, out var v) && EnvelopeValue.TryGetObject(v, out var obj) ? ToDictionary(obj) : null;

        var message = new ServiceBusTriggerMessage
        {
            Index = 0,
            Body = body,
            MessageId = Text("MessageId"),
            DeliveryCount = ToInt32(Int64("DeliveryCount")),
            SequenceNumber = Int64("SequenceNumber"),
            EnqueuedTime = Time("EnqueuedTime") ?? Time("EnqueuedTimeUtc"),
            ExpiresAt = Time("ExpiresAt") ?? Time("ExpiresAtUtc"),
            CorrelationId = Text("CorrelationId"),
            ContentType = Text("ContentType"),
            Subject = Text("Subject") ?? Text("Label"),
            ApplicationProperties = Properties("ApplicationProperties") ?? Properties("UserProperties") ?? Empty,
        };
        return new ServiceBusTriggerBatch([message], IsBatch: false, warnings);
    }

    // The body fields the host would have copied over the metadata: top-level, non-array, of a JSON object body.
    private static HashSet<string> BodyFieldNames(string body)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '{')
        {
            return names;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    names.Add(property.Name);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: the host copies nothing from a body it cannot read as an object.
        }

        return names;
    }

    private static int? ToInt32(long? value) => value is { } v && v is >= 0 and <= int.MaxValue ? (int)v : null;

    private static Dictionary<string, JsonElement> ToDictionary(JsonElement obj)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in obj.EnumerateObject())
        {
            properties[property.Name] = property.Value.Clone();
        }

        return properties;
    }

    private static readonly IReadOnlyDictionary<string, JsonElement> Empty = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);

    // The *Array metadata of a batch, each array checked once against the number of bodies.
    private sealed class BatchMetadata(InvocationRequest request, int count, List<string> warnings)
    {
        private readonly Dictionary<string, JsonElement?> _arrays = new(StringComparer.Ordinal);

        public string? Text(int index, string key) => Element(index, key) is { } v ? EnvelopeValue.Text(v) : null;

        public long? Int64(int index, string key)
        {
            if (Element(index, key) is not { } v)
            {
                return null;
            }

            if (EnvelopeValue.TryGetInt64(v, out var number))
            {
                return number;
            }

            warnings.Add($"Metadata.{key}Array[{index}] ignored: not an integer.");
            return null;
        }

        public DateTimeOffset? Time(int index, string key) =>
            Element(index, key) is { } v && EnvelopeValue.TryGetDateTimeOffset(v, out var time) ? time : null;

        public IReadOnlyDictionary<string, JsonElement>? Properties(int index, string key) =>
            Element(index, key) is { } v && EnvelopeValue.TryGetObject(v, out var obj) ? ToDictionary(obj) : null;

        private JsonElement? Element(int index, string key)
        {
            if (!_arrays.TryGetValue(key, out var array))
            {
                array = Load(key + "Array");
                _arrays[key] = array;
            }

            return array is { } a && a[index].ValueKind is not JsonValueKind.Null ? a[index] : null;
        }

        private JsonElement? Load(string key)
        {
            if (!request.TryGetMetadata(key, out var raw))
            {
                return null;
            }

            if (!EnvelopeValue.TryGetArray(raw, out var array))
            {
                warnings.Add($"Metadata.{key} ignored: not an array.");
                return null;
            }

            if (array.GetArrayLength() != count)
            {
                warnings.Add($"Metadata.{key} ignored: it has {array.GetArrayLength()} entries for {count} messages.");
                return null;
            }

            return array;
        }
    }
}

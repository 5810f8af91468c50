using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>
/// Builds invocation envelopes the way the Functions host writes them (docs/reference/functions-host.md §2.0–2.3): every value that
/// is not an object goes through Newtonsoft's <c>SerializeObject</c> and is then written as a JSON string, so a batch
/// of Service Bus bodies is a string holding an array of strings, and <c>*Array</c> metadata are strings holding arrays.
/// The golden files under Golden/Deliver are written independently; a test checks this builder reproduces them.
/// </summary>
public static class HostEnvelope
{
    /// <summary>Newtonsoft escapes only what JSON requires; so does this.</summary>
    private static readonly JsonSerializerOptions HostJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The <c>sys</c> metadata every invocation carries.</summary>
    public static JsonObject Sys(string methodName) => new()
    {
        ["MethodName"] = methodName,
        ["UtcNow"] = "2026-03-02T10:20:30.1234567Z",
        ["RandGuid"] = "0b7a7f1e-9d2c-4a55-9b1e-3c2d1e0f4a5b",
    };

    /// <summary>A <c>cardinality: many</c>, <c>dataType: string</c> Service Bus batch for the Deliver function.</summary>
    public static string ServiceBusBatch(IReadOnlyList<QueueMessage> messages, string binding = "messages", string methodName = "Deliver")
    {
        ArgumentNullException.ThrowIfNull(messages);
        string Encoded<T>(IEnumerable<T> values) => JsonSerializer.Serialize(values.ToArray(), HostJson);
        var envelope = new JsonObject
        {
            ["Data"] = new JsonObject { [binding] = Encoded(messages.Select(m => m.Body)) },
            ["Metadata"] = new JsonObject
            {
                ["MessageIdArray"] = Encoded(messages.Select(m => m.MessageId)),
                ["DeliveryCountArray"] = Encoded(messages.Select(m => m.DeliveryCount)),
                ["SequenceNumberArray"] = Encoded(messages.Select(m => m.SequenceNumber)),
                ["EnqueuedTimeUtcArray"] = Encoded(messages.Select(m => m.EnqueuedTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))),
                ["EnqueuedTimeArray"] = Encoded(messages.Select(m => m.EnqueuedTime.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))),
                ["ExpiresAtUtcArray"] = Encoded(messages.Select(m => m.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))),
                ["ExpiresAtArray"] = Encoded(messages.Select(m => m.ExpiresAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))),
                ["ContentTypeArray"] = Encoded(messages.Select(m => m.ContentType)),
                ["ApplicationPropertiesArray"] = Encoded(messages.Select(_ => new Dictionary<string, object>())),
                ["sys"] = Sys(methodName),
            },
        };
        return envelope.ToJsonString(HostJson);
    }

    /// <summary>An <c>httpTrigger</c> GET without a body (Connect, Callback, Status), <c>Data.req</c> as the host writes it.</summary>
    public static string HttpGet(string path, IReadOnlyDictionary<string, string>? query = null, string methodName = "Connect") =>
        Http("GET", path, query, methodName);

    /// <summary>
    /// An <c>httpTrigger</c> request without a body (a POST with an empty body, such as Replay's, arrives without
    /// <c>Body</c>: the host adds it only for a Content-Length above 0), <c>Data.req</c> as the host writes it.
    /// </summary>
    public static string Http(string method, string path, IReadOnlyDictionary<string, string>? query = null, string methodName = "Connect")
    {
        query ??= new Dictionary<string, string>();
        var queryString = string.Join('&', query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        var url = "https://func-outreach-test.azurewebsites.net" + path + (queryString.Length > 0 ? "?" + queryString : "");
        var queryObject = new JsonObject();
        foreach (var (key, value) in query)
        {
            queryObject[key] = value;
        }

        var envelope = new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["req"] = new JsonObject
                {
                    ["Url"] = url,
                    ["Method"] = method,
                    ["Query"] = queryObject,
                    ["Headers"] = new JsonObject
                    {
                        ["Accept"] = new JsonArray("text/html"),
                        ["Host"] = new JsonArray("func-outreach-test.azurewebsites.net"),
                        ["User-Agent"] = new JsonArray("Mozilla/5.0"),
                    },
                    ["Params"] = new JsonObject(),
                    ["Identities"] = new JsonArray(),
                },
            },
            ["Metadata"] = new JsonObject { ["sys"] = Sys(methodName) },
        };
        return envelope.ToJsonString(HostJson);
    }
}

/// <summary>One message of a Service Bus batch envelope.</summary>
/// <param name="Body">The body text as the broker holds it.</param>
/// <param name="MessageId">The broker's MessageId.</param>
/// <param name="DeliveryCount">The delivery count, this delivery included.</param>
/// <param name="SequenceNumber">The sequence number.</param>
public sealed record QueueMessage(string Body, string MessageId, int DeliveryCount = 1, long SequenceNumber = 1)
{
    /// <summary>When the broker accepted it.</summary>
    public DateTimeOffset EnqueuedTime { get; init; } = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>When it expires (the queue's 14-day time to live after <see cref="EnqueuedTime"/> unless set).</summary>
    public DateTimeOffset ExpiresAt
    {
        get => _expiresAt ?? EnqueuedTime.AddDays(14);
        init => _expiresAt = value;
    }

    private readonly DateTimeOffset? _expiresAt;

    /// <summary>The content type (the output binding writes text/plain).</summary>
    public string ContentType { get; init; } = "text/plain";
}

using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Queueing;

/// <summary>
/// Sends messages to a Service Bus queue through its REST API (docs/reference/functions-host.md §9), for what the Functions output
/// binding cannot do from a custom handler: set <c>MessageId</c>, schedule a message (<c>ScheduledEnqueueTimeUtc</c>),
/// set a time to live or application properties. Delivery uses it to re-enqueue a rate-limited update at the reset time.
/// </summary>
/// <remarks>
/// <para>Single message: <c>POST {base}/{queue}/messages</c>, the body as is with its content type, broker properties in
/// the <c>BrokerProperties</c> header as JSON, application properties as extra headers. Batch: the same URL,
/// <c>Content-Type: application/vnd.microsoft.servicebus.json</c>, body
/// <c>[{"Body":"…","BrokerProperties":{…},"UserProperties":{…}}]</c>. Authorization: <c>Bearer</c> token from the
/// injected credential; a 401 is retried once with a fresh token.</para>
/// <para>Expected outcomes are results (<see cref="ServiceBusSendResult"/>), not exceptions: 201 sent; 429/503
/// throttled; network failures, timeouts, 408 and other 5xx transient; 401 unauthorized; 403 quota or size; 404/410 no
/// such queue; other 4xx rejected. A batch is accepted or refused whole by the broker. The broker's batch limit
/// (256 KB on Standard, 1 MB on Premium) is the caller's to respect.</para>
/// </remarks>
public sealed class ServiceBusRestSender(HttpClient http, ServiceBusTokenProvider tokens, IOptions<ServiceBusRestSenderOptions> options)
{
    /// <summary>The content type of a batch request.</summary>
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    private const int MaxDetailLength = 300;

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "BrokerProperties", "Content-Type", "Content-Length", "Host", "Connection", "Transfer-Encoding",
        "Expect", "x-ms-retrypolicy",
    };

    private readonly ServiceBusRestSenderOptions _options = options.Value;

    /// <summary>Sends one message.</summary>
    /// <exception cref="ArgumentException">An application property cannot be carried in an HTTP header.</exception>
    public Task<ServiceBusSendResult> SendAsync(ServiceBusOutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ValidateHeaderProperties(message.ApplicationProperties);
        return SendCoreAsync(() => SingleRequest(message), "1 message", cancellationToken);
    }

    /// <summary>Sends messages in one request; the broker takes all or none. An empty list sends nothing.</summary>
    public Task<ServiceBusSendResult> SendBatchAsync(IReadOnlyList<ServiceBusOutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return Task.FromResult(new ServiceBusSendResult(ServiceBusSendStatus.Sent, null, "Nothing to send."));
        }

        var body = BatchBody(messages);
        return SendCoreAsync(
            () => new HttpRequestMessage(HttpMethod.Post, _options.MessagesUri)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(BatchContentType) } },
            },
            messages.Count.ToString(CultureInfo.InvariantCulture) + " messages",
            cancellationToken);
    }

    /// <summary>The <c>BrokerProperties</c> JSON of a message (also each batch entry's), for tests and logs.</summary>
    public static string BrokerPropertiesJson(ServiceBusOutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteBrokerProperties(writer, message);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task<ServiceBusSendResult> SendCoreAsync(Func<HttpRequestMessage> createRequest, string what, CancellationToken cancellationToken)
    {
        var queue = _options.QueueName;
        for (var attempt = 1; ; attempt++)
        {
            var token = await tokens.GetTokenAsync(forceRefresh: attempt > 1, cancellationToken);
            using var request = createRequest();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                return new ServiceBusSendResult(ServiceBusSendStatus.Transient, null, $"Sending {what} to Service Bus queue '{queue}' failed before an answer: {ex.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new ServiceBusSendResult(ServiceBusSendStatus.Transient, null, $"Sending {what} to Service Bus queue '{queue}' timed out after {_options.RequestTimeout.TotalSeconds:0.#} s.");
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
                {
                    continue;
                }

                return await ClassifyAsync(response, what, queue, cancellationToken);
            }
        }
    }

    private static async Task<ServiceBusSendResult> ClassifyAsync(HttpResponseMessage response, string what, string queue, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return new ServiceBusSendResult(ServiceBusSendStatus.Sent, status, $"Sent {what} to Service Bus queue '{queue}'.");
        }

        var detail = await ErrorDetailAsync(response, cancellationToken);
        var retryAfter = RetryAfter(response);
        var prefix = $"Service Bus refused {what} for queue '{queue}' with {status}";
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable =>
                new(ServiceBusSendStatus.Throttled, status, $"{prefix} (throttled or busy; send again later){detail}", retryAfter),
            HttpStatusCode.RequestTimeout =>
                new(ServiceBusSendStatus.Transient, status, $"{prefix} (timeout; send again later){detail}", retryAfter),
            HttpStatusCode.Unauthorized =>
                new(ServiceBusSendStatus.Unauthorized, status, $"{prefix} (unauthorized twice, with a fresh token: give the app's identity the role Azure Service Bus Data Sender on the namespace or queue){detail}"),
            HttpStatusCode.Forbidden =>
                new(ServiceBusSendStatus.QuotaExceededOrTooLarge, status, $"{prefix} (quota exceeded or message too large){detail}"),
            HttpStatusCode.NotFound or HttpStatusCode.Gone =>
                new(ServiceBusSendStatus.EntityNotFound, status, $"{prefix} (the queue does not exist: check Delivery__QueueName){detail}"),
            _ when status >= 500 =>
                new(ServiceBusSendStatus.Transient, status, $"{prefix} (server error; send again later){detail}", retryAfter),
            _ => new(ServiceBusSendStatus.Rejected, status, $"{prefix} (the request was refused; sending it again will not help){detail}"),
        };
    }

    // Service Bus error bodies are XML: <Error><Code>400</Code><Detail>…</Detail></Error>; the detail is what helps.
    private static async Task<string> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            return ".";
        }

        var start = text.IndexOf("<Detail>", StringComparison.Ordinal);
        var end = text.IndexOf("</Detail>", StringComparison.Ordinal);
        if (start >= 0 && end > start)
        {
            text = WebUtility.HtmlDecode(text[(start + "<Detail>".Length)..end]);
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            return ".";
        }

        return ": " + (text.Length > MaxDetailLength ? text[..MaxDetailLength] + "…" : text);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private HttpRequestMessage SingleRequest(ServiceBusOutgoingMessage message)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _options.MessagesUri)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(message.Body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", message.ContentType);
        request.Headers.TryAddWithoutValidation("BrokerProperties", BrokerPropertiesJson(message));
        if (message.ApplicationProperties is { } properties)
        {
            foreach (var (name, value) in properties)
            {
                request.Headers.TryAddWithoutValidation(name, HeaderValue(value));
            }
        }

        return request;
    }

    private static byte[] BatchBody(IReadOnlyList<ServiceBusOutgoingMessage> messages)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * messages.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                ArgumentNullException.ThrowIfNull(message, nameof(messages));
                writer.WriteStartObject();
                writer.WriteString("Body", message.Body);
                writer.WritePropertyName("BrokerProperties");
                WriteBrokerProperties(writer, message);
                if (message.ApplicationProperties is { Count: > 0 } properties)
                {
                    writer.WriteStartObject("UserProperties");
                    foreach (var (name, value) in properties)
                    {
                        writer.WritePropertyName(name);
                        WriteJsonValue(writer, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteBrokerProperties(Utf8JsonWriter writer, ServiceBusOutgoingMessage message)
    {
        writer.WriteStartObject();
        if (message.MessageId is not null)
        {
            writer.WriteString("MessageId", message.MessageId);
        }

        if (message.CorrelationId is not null)
        {
            writer.WriteString("CorrelationId", message.CorrelationId);
        }

        if (message.Subject is not null)
        {
            writer.WriteString("Label", message.Subject);
        }

        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            // RFC 2616/1123, e.g. "Sun, 06 Nov 1994 08:49:37 GMT", as the REST API documents.
            writer.WriteString("ScheduledEnqueueTimeUtc", scheduled.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
        }

        if (message.TimeToLive is { } ttl)
        {
            writer.WriteNumber("TimeToLive", ttl.TotalSeconds);
        }

        writer.WriteEndObject();
    }

    private static void WriteJsonValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d: writer.WriteNumberValue(d); break;
            case DateTimeOffset t: writer.WriteStringValue(t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture)); break;
            default: throw new ArgumentException($"Application property values must be string, bool, int, long, double or DateTimeOffset, not {value?.GetType().Name ?? "null"}.");
        }
    }

    // The REST API infers a custom property's type from the header text: quoted = string, quoted RFC 1123 date =
    // DateTime, true/false = bool, digits = long, otherwise a number = double.
    private static string HeaderValue(object value) => value switch
    {
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset t => "\"" + t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture) + "\"",
        _ => throw new ArgumentException($"Application property values must be string, bool, int, long, double or DateTimeOffset, not {value?.GetType().Name ?? "null"}."),
    };

    private static void ValidateHeaderProperties(IReadOnlyDictionary<string, object>? properties)
    {
        if (properties is null)
        {
            return;
        }

        foreach (var (name, value) in properties)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"Application property '{name}' cannot be an HTTP header name; use letters, digits and '-'.", nameof(properties));
            }

            if (ReservedHeaders.Contains(name))
            {
                throw new ArgumentException($"Application property '{name}' collides with a header the REST API uses.", nameof(properties));
            }

            if (value is string s && s.Any(c => c < ' ' || c >= 127 || c == '"'))
            {
                throw new ArgumentException($"Application property '{name}' must be printable ASCII without quotes to travel in a header; send it with SendBatchAsync instead.", nameof(properties));
            }

            _ = HeaderValue(value);
        }
    }
}

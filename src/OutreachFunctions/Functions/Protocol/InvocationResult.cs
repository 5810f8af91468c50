using System.Buffers;
using System.Text.Json;

namespace OutreachFunctions.Functions.Protocol;

/// <summary>
/// Builds the handler's answer to the Functions host: <c>{"Outputs":{…},"Logs":[…],"ReturnValue":null}</c>
/// (docs/reference/functions-host.md §3). The host must always get HTTP 200 with this body: any other status fails the invocation,
/// and the host then ignores the outputs and logs (an HTTP caller gets a bare 500, a Service Bus message is abandoned).
/// </summary>
/// <remarks>
/// <para>HTTP output: <c>{"statusCode":202,"body":"&lt;text&gt;","headers":{"Content-Type":…}}</c>; the body is sent as
/// pre-serialized text with its content type, as the host writes a string body as it is.</para>
/// <para>The handler writes no message outputs: Ingest sends through the Service Bus client itself, so each message gets
/// a content-derived id (docs/reference/functions-host.md §3 on what the host does with message outputs).</para>
/// </remarks>
public sealed class InvocationResult
{
    /// <summary>The content type of the answer to the host.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    private readonly Dictionary<string, HttpOutput> _http = new(StringComparer.Ordinal);
    private readonly List<string> _logs = [];

    /// <summary>The HTTP response set for a binding, if any.</summary>
    public HttpOutput? GetHttpResponse(string bindingName) => _http.GetValueOrDefault(bindingName);

    /// <summary>Lines the host will log for this invocation.</summary>
    public IReadOnlyList<string> Logs => _logs;

    /// <summary>Sets the response of an <c>http</c> output binding (replacing an earlier one).</summary>
    public void SetHttpResponse(string bindingName, int statusCode, string body, string contentType, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bindingName);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        _http[bindingName] = new HttpOutput(statusCode, body, contentType, headers ?? new Dictionary<string, string>());
    }

    /// <summary>Adds a line the host logs at Information for this invocation. Never put personal data or secrets in it.</summary>
    public void Log(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _logs.Add(line);
    }

    /// <summary>The answer's JSON.</summary>
    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the answer.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartObject("Outputs");
        foreach (var (name, http) in _http)
        {
            writer.WriteStartObject(name);
            writer.WriteNumber("statusCode", http.StatusCode);
            writer.WriteString("body", http.Body);
            writer.WriteStartObject("headers");
            writer.WriteString("Content-Type", http.ContentType);
            foreach (var (header, value) in http.Headers)
            {
                if (!string.Equals(header, "Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    writer.WriteString(header, value);
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartArray("Logs");
        foreach (var line in _logs)
        {
            writer.WriteStringValue(line);
        }

        writer.WriteEndArray();
        writer.WriteNull("ReturnValue");
        writer.WriteEndObject();
    }
}

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
/// <para>Message outputs (Service Bus, queues): always a JSON array of JSON objects. The host turns an array into one
/// message per element and re-serializes each object as text; it would turn a bare string that happens to be valid
/// base64 (<c>"test"</c>, <c>"1234"</c>) into bytes and send the text <c>System.Byte[]</c>, so strings are refused here.</para>
/// <para>The host sends the messages only when the invocation succeeds (this 200), and for an HTTP trigger before the
/// caller gets the response: a caller that sees 202 knows the messages were accepted by the broker.</para>
/// </remarks>
public sealed class InvocationResult
{
    /// <summary>The content type of the answer to the host.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    private readonly Dictionary<string, HttpOutput> _http = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<byte[]>> _messages = new(StringComparer.Ordinal);
    private readonly List<string> _logs = [];

    /// <summary>The HTTP response set for a binding, if any.</summary>
    public HttpOutput? GetHttpResponse(string bindingName) => _http.GetValueOrDefault(bindingName);

    /// <summary>The messages collected for a binding, each the UTF-8 JSON of one object.</summary>
    public IReadOnlyList<byte[]> GetMessages(string bindingName) => _messages.TryGetValue(bindingName, out var list) ? list : [];

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

    /// <summary>
    /// Declares a message output binding, so it is written as an empty array when nothing is added (the host then
    /// sends nothing and logs no warning about a missing output).
    /// </summary>
    public void DeclareMessages(string bindingName)
    {
        ArgumentException.ThrowIfNullOrEmpty(bindingName);
        _messages.TryAdd(bindingName, []);
    }

    /// <summary>Adds one message to a message output binding: <paramref name="writeObject"/> writes exactly one JSON object.</summary>
    public void AddMessage(string bindingName, Action<Utf8JsonWriter> writeObject)
    {
        ArgumentNullException.ThrowIfNull(writeObject);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writeObject(writer);
        }

        AddMessage(bindingName, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Adds one message, the UTF-8 JSON of one object.</summary>
    /// <exception cref="ArgumentException">The JSON is not one object.</exception>
    public void AddMessage(string bindingName, byte[] jsonObject)
    {
        ArgumentException.ThrowIfNullOrEmpty(bindingName);
        ArgumentNullException.ThrowIfNull(jsonObject);
        if (!IsSingleObject(jsonObject))
        {
            throw new ArgumentException("A message output must be one JSON object: the host mangles bare strings (base64) and splits arrays.", nameof(jsonObject));
        }

        if (!_messages.TryGetValue(bindingName, out var list))
        {
            list = [];
            _messages[bindingName] = list;
        }

        list.Add(jsonObject);
    }

    /// <summary>Removes every message collected so far (an invocation that fails after collecting must send none).</summary>
    public void ClearMessages()
    {
        foreach (var list in _messages.Values)
        {
            list.Clear();
        }
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

        foreach (var (name, messages) in _messages)
        {
            writer.WriteStartArray(name);
            foreach (var message in messages)
            {
                writer.WriteRawValue(message, skipInputValidation: true);
            }

            writer.WriteEndArray();
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

    private static bool IsSingleObject(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

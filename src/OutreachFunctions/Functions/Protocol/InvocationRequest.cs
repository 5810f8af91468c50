using System.Text.Json;

namespace OutreachFunctions.Functions.Protocol;

/// <summary>
/// One invocation request from the Functions host: the JSON envelope <c>{"Data":{…},"Metadata":{…}}</c> that the host
/// POSTs to <c>/{FunctionName}</c> for every function that is not forwarded (docs/reference/functions-host.md §2).
/// </summary>
/// <remarks>
/// <c>Data</c> holds one entry per input binding (the trigger's is named as in function.json, e.g. <c>req</c>);
/// <c>Metadata</c> holds the trigger's binding data (<c>MessageId</c>, <c>DeliveryCountArray</c>, <c>sys</c>…). Values
/// keep the host's encoding; read them with <see cref="EnvelopeValue"/>, <see cref="HttpTriggerRequest"/> or
/// <see cref="ServiceBusTriggerDecoder"/>. For an HTTP trigger the envelope carries every request header, including
/// <c>x-functions-key</c>: never log an envelope.
/// </remarks>
public sealed class InvocationRequest : IDisposable
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 128 };
    private readonly JsonDocument _document;

    private InvocationRequest(JsonDocument document, JsonElement data, JsonElement metadata)
    {
        _document = document;
        Data = data;
        Metadata = metadata;
    }

    /// <summary>The <c>Data</c> object (an empty object when the host sent none).</summary>
    public JsonElement Data { get; }

    /// <summary>The <c>Metadata</c> object (an empty object when the host sent none).</summary>
    public JsonElement Metadata { get; }

    /// <summary>Reads an envelope from a request body.</summary>
    /// <exception cref="InvocationFormatException">The body is not a JSON object, or Data/Metadata is not an object.</exception>
    public static async Task<InvocationRequest> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, ParseOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InvocationFormatException("The invocation request from the Functions host is not valid JSON: " + ex.Message, ex);
        }

        return From(document);
    }

    /// <summary>Reads an envelope from JSON text (tests, golden files).</summary>
    /// <exception cref="InvocationFormatException">The text is not an envelope.</exception>
    public static InvocationRequest Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException ex)
        {
            throw new InvocationFormatException("The invocation request from the Functions host is not valid JSON: " + ex.Message, ex);
        }

        return From(document);
    }

    /// <summary>The raw value of an input binding (as the host encoded it), found by name ignoring case.</summary>
    public bool TryGetData(string bindingName, out JsonElement value) => EnvelopeValue.TryGetProperty(Data, bindingName, out value);

    /// <summary>
    /// Whether a <c>timerTrigger</c> binding says its run is late (<c>Data.{binding}.IsPastDue</c>: the app was stopped or
    /// busy). Its exact shape under a custom handler is UNCONFIRMED, so a missing or other value means "not late".
    /// </summary>
    public bool IsTimerPastDue(string bindingName) =>
        TryGetData(bindingName, out var timer)
        && EnvelopeValue.TryGetObject(timer, out var info)
        && EnvelopeValue.TryGetProperty(info, "IsPastDue", out var pastDue)
        && EnvelopeValue.Json(pastDue).ValueKind == JsonValueKind.True;

    /// <summary>The raw value of a metadata key (as the host encoded it), found by name ignoring case.</summary>
    public bool TryGetMetadata(string key, out JsonElement value) => EnvelopeValue.TryGetProperty(Metadata, key, out value);

    /// <summary>The HTTP request of an <c>httpTrigger</c> binding.</summary>
    /// <exception cref="InvocationFormatException">The binding is missing or is not a request object.</exception>
    public HttpTriggerRequest GetHttpRequest(string bindingName = "req")
    {
        if (!TryGetData(bindingName, out var value))
        {
            throw new InvocationFormatException($"The invocation request has no Data.{bindingName} (the HTTP trigger binding).");
        }

        return HttpTriggerRequest.From(value, bindingName);
    }

    /// <inheritdoc />
    public void Dispose() => _document.Dispose();

    private static InvocationRequest From(JsonDocument document)
    {
        var root = document.RootElement;
        var kind = root.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InvocationFormatException($"The invocation request from the Functions host must be a JSON object, not {kind}.");
        }

        var data = Section(document, root, "Data");
        var metadata = Section(document, root, "Metadata");
        return new InvocationRequest(document, data, metadata);
    }

    private static JsonElement Section(JsonDocument document, JsonElement root, string name)
    {
        if (!EnvelopeValue.TryGetProperty(root, name, out var section) || section.ValueKind == JsonValueKind.Null)
        {
            return EmptyObject;
        }

        if (EnvelopeValue.TryGetObject(section, out var obj))
        {
            return obj;
        }

        var kind = section.ValueKind;
        document.Dispose();
        throw new InvocationFormatException($"The invocation request's {name} must be a JSON object, not {kind}.");
    }

    private static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement.Clone();
}

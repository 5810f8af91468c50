using System.Text.Json;

namespace OutreachFunctions.Functions.Protocol;

/// <summary>
/// The HTTP request of an <c>httpTrigger</c> binding as the host passes it in <c>Data.req</c> (docs/reference/functions-host.md §2.1).
/// </summary>
/// <remarks>
/// The host writes <c>Url</c>, <c>Method</c>, <c>Query</c> (an object whose repeated keys are comma-joined; the docs'
/// older sample shows it as a string holding JSON, which is read too), <c>Headers</c> (values are arrays of strings; a
/// plain string is accepted), <c>Params</c> (route values) and <c>Body</c> (a string, absent when the request had no
/// Content-Length or an empty body). The body is used exactly as sent: it is never unwrapped, since a JSON body is
/// text the caller's own parser must judge.
/// </remarks>
public sealed class HttpTriggerRequest
{
    private HttpTriggerRequest(
        string method,
        string? url,
        IReadOnlyDictionary<string, string> query,
        IReadOnlyDictionary<string, IReadOnlyList<string>> headers,
        IReadOnlyDictionary<string, string> routeParameters,
        string? body)
    {
        Method = method;
        Url = url;
        Query = query;
        Headers = headers;
        RouteParameters = routeParameters;
        Body = body;
    }

    /// <summary>The HTTP method, upper case (empty when the host did not say).</summary>
    public string Method { get; }

    /// <summary>The original URL as the host saw it.</summary>
    public string? Url { get; }

    /// <summary>Query parameters (repeated keys comma-joined by the host), keys compared ignoring case.</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>Request headers, names compared ignoring case.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }

    /// <summary>Route parameters (<c>Params</c>), keys compared ignoring case.</summary>
    public IReadOnlyDictionary<string, string> RouteParameters { get; }

    /// <summary>The request body as text, or null when the host sent none (an empty or chunked request).</summary>
    public string? Body { get; }

    /// <summary>The first value of a header, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>Reads the request from the value of <c>Data.&lt;binding&gt;</c>.</summary>
    /// <exception cref="InvocationFormatException">The value is not a request object.</exception>
    public static HttpTriggerRequest From(JsonElement value, string bindingName = "req")
    {
        if (!EnvelopeValue.TryGetObject(value, out var request))
        {
            throw new InvocationFormatException($"Data.{bindingName} must be an HTTP request object, not {value.ValueKind}.");
        }

        var method = EnvelopeValue.TryGetProperty(request, "Method", out var m) ? Raw(m)?.ToUpperInvariant() ?? "" : "";
        var url = EnvelopeValue.TryGetProperty(request, "Url", out var u) ? Raw(u) : null;
        string? body = null;
        if (EnvelopeValue.TryGetProperty(request, "Body", out var b))
        {
            body = b.ValueKind switch
            {
                JsonValueKind.String => b.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                // Not what the host writes, but a body the host parsed is still the sender's JSON.
                _ => b.GetRawText(),
            };
        }

        return new HttpTriggerRequest(
            method,
            url,
            ReadStringMap(request, "Query"),
            ReadHeaders(request),
            ReadStringMap(request, "Params"),
            body);
    }

    private static Dictionary<string, string> ReadStringMap(JsonElement request, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!EnvelopeValue.TryGetProperty(request, name, out var value) || !EnvelopeValue.TryGetObject(value, out var obj))
        {
            return map;
        }

        foreach (var property in obj.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.Array
                ? string.Join(',', property.Value.EnumerateArray().Select(Raw))
                : Raw(property.Value) ?? "";
        }

        return map;
    }

    // Members of the request object are plain JSON values (the object itself is not re-encoded), so a header such as an
    // ETag keeps its quotes: strings are taken as they are, anything else as its JSON text.
    private static string? Raw(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    private static Dictionary<string, IReadOnlyList<string>> ReadHeaders(JsonElement request)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (!EnvelopeValue.TryGetProperty(request, "Headers", out var value) || !EnvelopeValue.TryGetObject(value, out var obj))
        {
            return headers;
        }

        foreach (var property in obj.EnumerateObject())
        {
            headers[property.Name] = property.Value.ValueKind == JsonValueKind.Array
                ? [.. property.Value.EnumerateArray().Select(v => Raw(v) ?? "")]
                : [Raw(property.Value) ?? ""];
        }

        return headers;
    }
}

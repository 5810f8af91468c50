using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>The handler's answer to the host, read the way the host reads it (docs/reference/functions-host.md §3).</summary>
public sealed class HostAnswer
{
    private HostAnswer(HttpStatusCode status, string? contentType, string text)
    {
        Status = status;
        ContentType = contentType;
        Text = text;
        Json = JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The status the host got (must be 200).</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The content type the host got.</summary>
    public string? ContentType { get; }

    /// <summary>The answer's text.</summary>
    public string Text { get; }

    /// <summary>The answer.</summary>
    public JsonObject Json { get; }

    /// <summary><c>Outputs.res.statusCode</c>: what AEP gets.</summary>
    public int ResponseStatus => Json["Outputs"]!["res"]!["statusCode"]!.GetValue<int>();

    /// <summary><c>Outputs.res.body</c> parsed: what AEP reads.</summary>
    public JsonElement ResponseBody => JsonDocument.Parse(Json["Outputs"]!["res"]!["body"]!.GetValue<string>()).RootElement;

    /// <summary><c>Outputs.res.headers</c>.</summary>
    public JsonObject ResponseHeaders => Json["Outputs"]!["res"]!["headers"]!.AsObject();

    /// <summary>The elements of the Service Bus output binding.</summary>
    public JsonArray Messages(string binding) => Json["Outputs"]![binding]!.AsArray();

    /// <summary>Reads a response.</summary>
    public static async Task<HostAnswer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return new HostAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }
}

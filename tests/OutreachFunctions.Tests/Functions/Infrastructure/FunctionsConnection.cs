using System.Net;
using System.Text.Json.Nodes;
using System.Web;
using Outreach.Testing;
using OutreachFunctions.Functions.Connect;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>Connects a Functions-mode handler to the sandbox through the real OAuth flow, driven by Connect and Callback envelopes.</summary>
public static class FunctionsConnection
{
    /// <summary>Invokes an HTTP function with a GET envelope and reads <c>Outputs.res</c>.</summary>
    public static async Task<HttpFunctionAnswer> GetAsync(FunctionsHandler handler, string function, string path, IReadOnlyDictionary<string, string>? query = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var response = await handler.InvokeAsync(function, HostEnvelope.HttpGet(path, query, function));
        return await HttpFunctionAnswer.ReadAsync(response);
    }

    /// <summary>Runs Connect, signs in at the sandbox, and returns the state and code for the callback.</summary>
    public static async Task<(string State, string Code, Uri Location)> StartAsync(FunctionsHandler handler, SandboxServer sandbox)
    {
        var connect = await GetAsync(handler, ConnectFunction.Name, "/api/oauth/connect", new Dictionary<string, string> { ["code"] = "function-key" });
        Assert.Equal(302, connect.StatusCode);
        var location = new Uri(connect.Headers["Location"]);
        var query = HttpUtility.ParseQueryString(location.Query);
        var state = query["state"]!;
        // The browser carries the scopes Connect asked for, so the connection gets exactly those.
        var code = await sandbox.AuthorizeAsync(state, query["redirect_uri"], query["scope"] ?? SandboxServer.DefaultScope);
        return (state, code, location);
    }

    /// <summary>Connects through Connect and Callback and asserts the "Connected" page.</summary>
    public static async Task ConnectAsync(FunctionsHandler handler, SandboxServer sandbox)
    {
        var (state, code, _) = await StartAsync(handler, sandbox);
        var callback = await GetAsync(handler, CallbackFunction.Name, "/api/oauth/callback", new Dictionary<string, string> { ["code"] = code, ["state"] = state });
        Assert.True(callback.StatusCode == 200, callback.Body);
        Assert.Contains("<h1>Connected</h1>", callback.Body, StringComparison.Ordinal);
    }
}

/// <summary>The answer of an HTTP-only function: the host got 200, and <c>Outputs.res</c> holds the caller's response.</summary>
public sealed record HttpFunctionAnswer(JsonNode Answer, int StatusCode, string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Reads the handler's answer; asserts the host got 200.</summary>
    public static async Task<HttpFunctionAnswer> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var res = answer["Outputs"]!["res"]!;
        var headers = res["headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
        return new HttpFunctionAnswer(answer, res["statusCode"]!.GetValue<int>(), res["body"]!.GetValue<string>(), headers);
    }
}

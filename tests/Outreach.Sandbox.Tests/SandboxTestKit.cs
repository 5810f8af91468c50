using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Outreach.Sandbox;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.OAuth;
using Outreach.Testing;

namespace Outreach.Sandbox.Tests;

/// <summary>Small helpers the sandbox tests share: clocks, options, PATCH and token requests, error reading.</summary>
internal static class SandboxTestKit
{
    public const string JsonApi = "application/vnd.api+json";

    /// <summary>A fake clock at a round time (10 minutes into an hour), so window ends are easy to state.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 1, 1, 0, 10, 0, TimeSpan.Zero));

    public static SandboxOptions Options(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions();
        options.Prospects.SeedCount = 20;
        configure?.Invoke(options);
        return options;
    }

    public static Task<SandboxServer> StartAsync(Action<SandboxOptions>? configure = null, TimeProvider? time = null) =>
        SandboxServer.StartAsync(Options(configure), time);

    public static async Task<HttpClient> ConnectedApiAsync(this SandboxServer sandbox, string scope = SandboxServer.DefaultScope, string? email = null, string? password = null)
    {
        var tokens = await sandbox.ConnectAsync(scope, email, password);
        return sandbox.CreateApiClient(tokens.AccessToken);
    }

    /// <summary>Sends a PATCH with exactly the given Content-Type header (no charset added), as the connector does.</summary>
    public static Task<HttpResponseMessage> PatchAsync(this HttpClient api, long id, string json, string contentType = JsonApi)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return api.PatchAsync($"prospects/{id}", content);
    }

    public static Task<HttpResponseMessage> PatchAttributesAsync(this HttpClient api, long id, string attributesJson) =>
        api.PatchAsync(id, "{\"data\":{\"type\":\"prospect\",\"id\":" + id + ",\"attributes\":" + attributesJson + "}}");

    public static async Task<IReadOnlyList<ApiError>> ReadErrorsAsync(this HttpResponseMessage response)
    {
        var document = await response.Content.ReadFromJsonAsync(SandboxJsonContext.Default.ApiErrorDocument);
        Assert.NotNull(document);
        Assert.NotEmpty(document.Errors);
        return document.Errors;
    }

    public static async Task<ApiError> ReadSingleErrorAsync(this HttpResponseMessage response) => Assert.Single(await response.ReadErrorsAsync());

    public static Task<HttpResponseMessage> PostTokenFormAsync(this SandboxServer sandbox, IDictionary<string, string> fields) =>
        sandbox.Admin.PostAsync(sandbox.TokenUri, new FormUrlEncodedContent(fields));

    public static Task<HttpResponseMessage> PostTokenJsonAsync(this SandboxServer sandbox, IDictionary<string, string> fields)
    {
        var json = new StringBuilder("{");
        json.AppendJoin(',', fields.Select(pair => $"{Quote(pair.Key)}:{Quote(pair.Value)}"));
        json.Append('}');
        return sandbox.Admin.PostAsync(sandbox.TokenUri, new StringContent(json.ToString(), Encoding.UTF8, "application/json"));
    }

    public static Dictionary<string, string> CodeGrant(this SandboxServer sandbox, string code) => new()
    {
        ["grant_type"] = "authorization_code",
        ["client_id"] = sandbox.ClientId,
        ["client_secret"] = sandbox.ClientSecret,
        ["redirect_uri"] = sandbox.RedirectUri,
        ["code"] = code,
    };

    public static Dictionary<string, string> RefreshGrant(this SandboxServer sandbox, string refreshToken) => new()
    {
        ["grant_type"] = "refresh_token",
        ["client_id"] = sandbox.ClientId,
        ["client_secret"] = sandbox.ClientSecret,
        ["refresh_token"] = refreshToken,
    };

    public static async Task<TokenResponse> ReadTokenAsync(this HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(SandboxJsonContext.Default.TokenResponse))!;
    }

    public static async Task<OAuthErrorResponse> ReadOAuthErrorAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync(SandboxJsonContext.Default.OAuthErrorResponse))!;

    public static async Task<TokenResponse> RefreshAsync(this SandboxServer sandbox, string refreshToken) =>
        await (await sandbox.PostTokenFormAsync(sandbox.RefreshGrant(refreshToken))).ReadTokenAsync();

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"No {name} header on {(int)response.StatusCode}.");

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value, SandboxJsonContext.Default.String);
}

using System.Text.Json;
using System.Web;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Functions.Connect;
using OutreachFunctions.Functions.Status;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// Connect and Callback as the host calls them (envelope mode: Data.req in, Outputs.res out), against the sandbox's
// real OAuth endpoints; the OAuth states live on Azurite.
[Collection(AzuriteCollection.Name)]
public sealed class OAuthFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly InMemoryTokenStore _store = new();
    private SandboxServer _sandbox = null!;
    private FunctionsHandler _handler = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero } });
        _handler = await FunctionsHandler.StartAsync(
            FunctionsHandler.Merge(FunctionsHandler.AzuriteSettings(azurite), FunctionsHandler.SandboxSettings(_sandbox)),
            services =>
            {
                services.AddSingleton<ITokenStore>(_store);
                services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
            });
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private Task<HttpFunctionAnswer> CallbackAsync(IReadOnlyDictionary<string, string> query) =>
        FunctionsConnection.GetAsync(_handler, CallbackFunction.Name, "/api/oauth/callback", query);

    [Fact]
    public async Task Connect_redirects_to_the_outreach_authorize_url_with_a_fresh_state()
    {
        using var response = await _handler.InvokeAsync(ConnectFunction.Name, Golden.Read("Http", "connect.request.json"));
        var answer = await HttpFunctionAnswer.ReadAsync(response);

        Assert.Equal(302, answer.StatusCode);
        Assert.Equal("no-store", answer.Headers["Cache-Control"]);
        var location = new Uri(answer.Headers["Location"]);
        Assert.Equal(_sandbox.AuthorizeUri.GetLeftPart(UriPartial.Path), location.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(_sandbox.ClientId, query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("http://127.0.0.1:7071/api/oauth/callback", query["redirect_uri"]);
        Assert.False(string.IsNullOrEmpty(query["state"]));
        // The function key of the Connect URL never travels to Outreach.
        Assert.DoesNotContain("Zm9vYmFyLWZ1bmN0aW9uLWtleQ", answer.Headers["Location"], StringComparison.Ordinal);
        Assert.Equal(["Connect answered 302."], answer.Answer["Logs"]!.AsArray().Select(l => l!.GetValue<string>()));
    }

    [Fact]
    public async Task Two_connects_issue_different_states()
    {
        var first = await FunctionsConnection.StartAsync(_handler, _sandbox);
        var second = await FunctionsConnection.StartAsync(_handler, _sandbox);

        Assert.NotEqual(first.State, second.State);
    }

    [Fact]
    public async Task Valid_state_connects_stores_the_tokens_and_resumes_delivery()
    {
        var pause = _handler.Services.GetRequiredService<IConnectionState>();
        var (state, code, _) = await FunctionsConnection.StartAsync(_handler, _sandbox);

        var page = await CallbackAsync(new Dictionary<string, string> { ["code"] = code, ["state"] = state });

        Assert.Equal(200, page.StatusCode);
        Assert.Contains("<h1>Connected</h1>", page.Body, StringComparison.Ordinal);
        Assert.Equal("text/html; charset=utf-8", page.Headers["Content-Type"]);
        Assert.Equal("no-store", page.Headers["Cache-Control"]);
        Assert.StartsWith("default-src 'none'", page.Headers["Content-Security-Policy"], StringComparison.Ordinal);
        var stored = await _store.GetAsync("default", CancellationToken.None);
        Assert.Equal(ConnectionStatus.Connected, stored!.Tokens.Status);
        Assert.False(pause.IsPaused);
    }

    [Fact]
    public async Task Replayed_state_is_refused_with_a_clear_page()
    {
        var (state, code, _) = await FunctionsConnection.StartAsync(_handler, _sandbox);
        var query = new Dictionary<string, string> { ["code"] = code, ["state"] = state };
        Assert.Equal(200, (await CallbackAsync(query)).StatusCode);

        var replay = await CallbackAsync(query);

        Assert.Equal(400, replay.StatusCode);
        Assert.Contains("<h1>Not connected</h1>", replay.Body, StringComparison.Ordinal);
        Assert.Contains("not valid or was already used", replay.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forged_state_is_refused_and_no_query_value_is_echoed()
    {
        using var response = await _handler.InvokeAsync(CallbackFunction.Name, Golden.Read("Http", "callback-forged-state.request.json"));
        var answer = await HttpFunctionAnswer.ReadAsync(response);

        GoldenAnswer.Match("Http", "callback-forged-state", answer.Answer);
        Assert.Equal(400, answer.StatusCode);
        Assert.DoesNotContain("<b>", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("forged-state", answer.Body, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task Declined_sign_in_with_a_forged_state_is_an_invalid_state()
    {
        // The state is checked before the error, so a forged link cannot make the page say anything of its choosing.
        using var response = await _handler.InvokeAsync(CallbackFunction.Name, Golden.Read("Http", "callback-access-denied-forged-state.request.json"));
        var answer = await HttpFunctionAnswer.ReadAsync(response);

        GoldenAnswer.Match("Http", "callback-access-denied-forged-state", answer.Answer);
        Assert.Equal(400, answer.StatusCode);
        Assert.DoesNotContain("<script>", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Declined_sign_in_shows_access_denied_with_the_error_code_sanitized()
    {
        var (state, _, _) = await FunctionsConnection.StartAsync(_handler, _sandbox);

        var page = await CallbackAsync(new Dictionary<string, string>
        {
            ["error"] = "access_denied<script>alert(1)</script>",
            ["error_description"] = "<script>alert(2)</script>",
            ["state"] = state,
        });

        Assert.Equal(400, page.StatusCode);
        Assert.Contains("access was not granted (access_deniedscriptalert1script)", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page.Body, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task Expired_state_is_refused_with_a_page_saying_so()
    {
        var (state, code, _) = await FunctionsConnection.StartAsync(_handler, _sandbox);
        ((FakeTimeProvider)_handler.Services.GetRequiredService<TimeProvider>()).Advance(TimeSpan.FromMinutes(11));

        var page = await CallbackAsync(new Dictionary<string, string> { ["code"] = code, ["state"] = state });

        Assert.Equal(400, page.StatusCode);
        Assert.Contains("took too long and this link expired", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_without_any_query_is_an_invalid_state()
    {
        var page = await CallbackAsync(new Dictionary<string, string>());

        Assert.Equal(400, page.StatusCode);
        Assert.Contains("<h1>Not connected</h1>", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Connect", "function", "oauth/connect")]
    [InlineData("Callback", "anonymous", "oauth/callback")]
    [InlineData(StatusFunction.Name, "admin", "status/connection")]
    public void Http_functions_have_their_auth_level_route_and_get_only(string function, string authLevel, string route)
    {
        using var definition = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions", function, "function.json")));
        var bindings = definition.RootElement.GetProperty("bindings").EnumerateArray().ToList();
        Assert.Equal(2, bindings.Count);
        var trigger = bindings.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal("req", trigger.GetProperty("name").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("res", bindings.Single(b => b.GetProperty("type").GetString() == "http").GetProperty("name").GetString());
    }
}

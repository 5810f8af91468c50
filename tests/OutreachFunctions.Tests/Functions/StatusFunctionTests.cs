using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Functions.Status;
using OutreachFunctions.Hosting;
using OutreachFunctions.Standalone;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The Status function (admin level, envelope mode) and the standalone GET /api/status: the same read-only document.
[Collection(AzuriteCollection.Name)]
public sealed class StatusFunctionTests(AzuriteFixture azurite)
{
    private static async Task<JsonElement> StatusAsync(FunctionsHandler handler)
    {
        using var response = await handler.InvokeAsync(StatusFunction.Name, Golden.Read("Http", "status.request.json"));
        var answer = await HttpFunctionAnswer.ReadAsync(response);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(StatusReport.ContentType, answer.Headers["Content-Type"]);
        Assert.Equal("no-store", answer.Headers["Cache-Control"]);
        return JsonDocument.Parse(answer.Body).RootElement.Clone();
    }

    private Task<FunctionsHandler> StartAsync(ITokenStore store, IDictionary<string, string?>? settings = null) =>
        FunctionsHandler.StartAsync(
            FunctionsHandler.Merge(FunctionsHandler.AzuriteSettings(azurite), settings ?? new Dictionary<string, string?>()),
            services =>
            {
                services.AddSingleton(store);
                services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
            });

    [Fact]
    public async Task Not_connected_connector_reports_every_section()
    {
        await using var handler = await StartAsync(new InMemoryTokenStore());

        var status = await StatusAsync(handler);

        Assert.Equal(FunctionsHandler.Now, status.GetProperty("generatedAt").GetDateTimeOffset());
        var connection = status.GetProperty("connection");
        Assert.Equal("default", connection.GetProperty("name").GetString());
        Assert.Equal("NotConnected", connection.GetProperty("status").GetString());
        Assert.True(connection.GetProperty("needsAuthorization").GetBoolean());
        // One connection state: nothing is sent while no authorization is stored, and the page says so.
        var delivery = status.GetProperty("delivery");
        Assert.True(delivery.GetProperty("paused").GetBoolean());
        Assert.Equal("No authorization stored.", delivery.GetProperty("pauseReason").GetString());
        var budget = status.GetProperty("budget");
        Assert.Equal(10_000, budget.GetProperty("effectiveLimit").GetInt32());
        Assert.Equal(0, budget.GetProperty("used").GetInt32());
        var hours = status.GetProperty("counters").GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal(StatusReport.Hours, hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), hours[^1].GetProperty("hour").GetDateTimeOffset());
    }

    [Fact]
    public async Task Connected_connector_shows_the_refresh_deadline_and_never_a_token()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero } });
        var store = new InMemoryTokenStore();
        await using var handler = await StartAsync(store, FunctionsHandler.SandboxSettings(sandbox));
        await FunctionsConnection.ConnectAsync(handler, sandbox);
        var tokens = (await store.GetAsync("default", CancellationToken.None))!.Tokens;

        var status = await StatusAsync(handler);

        var connection = status.GetProperty("connection");
        Assert.Equal("Connected", connection.GetProperty("status").GetString());
        Assert.False(connection.GetProperty("needsAuthorization").GetBoolean());
        Assert.Equal(tokens.RefreshTokenIssuedAt.AddDays(14), connection.GetProperty("refreshTokenExpiresAt").GetDateTimeOffset());
        var text = status.GetRawText();
        Assert.DoesNotContain(tokens.RefreshToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.AccessToken!, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_token_store_is_reported_in_its_section_and_the_rest_still_shows()
    {
        await using var handler = await StartAsync(new UnavailableTokenStore());

        var status = await StatusAsync(handler);

        Assert.Equal("the token store could not be read: RequestFailedException (HTTP 503 ServiceUnavailable)", status.GetProperty("connection").GetProperty("error").GetString());
        Assert.Equal(10_000, status.GetProperty("budget").GetProperty("effectiveLimit").GetInt32());
        Assert.Equal(StatusReport.Hours, status.GetProperty("counters").GetProperty("hours").GetArrayLength());
    }

    [Fact]
    public async Task Standalone_status_needs_the_bearer_secret_and_answers_the_same_document()
    {
        await using var connector = await StandaloneConnector.StartAsync(azurite);
        using var anonymous = new HttpClient { BaseAddress = connector.BaseAddress };

        using var refused = await anonymous.GetAsync(StatusEndpoint.Route);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-secret");
        using var wrong = await anonymous.GetAsync(StatusEndpoint.Route);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var response = await connector.Client.GetAsync(StatusEndpoint.Route);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            ["generatedAt", "connection", "delivery", "budget", "counters"],
            status.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("NotConnected", status.RootElement.GetProperty("connection").GetProperty("status").GetString());
    }

    private sealed class UnavailableTokenStore : ITokenStore
    {
        public Task<StoredConnection?> GetAsync(string connectionName, CancellationToken cancellationToken) =>
            throw new RequestFailedException(503, "Key Vault is unavailable", "ServiceUnavailable", null);

        public Task<TokenStoreWriteOutcome> SaveAsync(string connectionName, ConnectionTokens tokens, string? expectedVersion, CancellationToken cancellationToken) =>
            throw new RequestFailedException(503, "Key Vault is unavailable", "ServiceUnavailable", null);
    }
}

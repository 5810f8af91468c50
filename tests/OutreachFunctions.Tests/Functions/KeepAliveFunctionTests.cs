using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Functions.KeepAlive;
using OutreachFunctions.Hosting;
using OutreachFunctions.Standalone;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The KeepAlive timer function (timer envelope: Data.timer is the TimerInfo object the host writes as JSON) and the
// standalone keep-alive service, against the sandbox's token endpoint. Tokens live in memory; the clock is real, so
// the sandbox and the connector agree on token ages.
[Collection(AzuriteCollection.Name)]
public sealed class KeepAliveFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly InMemoryTokenStore _store = new();
    private SandboxServer _sandbox = null!;
    private FunctionsHandler _handler = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero } });
        _handler = await FunctionsHandler.StartAsync(
            FunctionsHandler.Merge(FunctionsHandler.AzuriteSettings(azurite), FunctionsHandler.SandboxSettings(_sandbox), new Dictionary<string, string?> { ["Tokens:MintingInterval"] = "00:00:00" }),
            services =>
            {
                services.AddSingleton<TimeProvider>(TimeProvider.System);
                services.AddSingleton<ITokenStore>(_store);
                services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
            });
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    // A connection authorized at the sandbox, stored as if its refresh token had been issued `age` ago.
    private async Task SeedAsync(TimeSpan age, string? refreshToken = null)
    {
        var tokens = await _sandbox.ConnectAsync();
        var issued = DateTimeOffset.UtcNow - age;
        await _store.SaveAsync(
            "default",
            new ConnectionTokens(ConnectionStatus.Connected, refreshToken ?? tokens.RefreshToken!, issued, tokens.AccessToken, issued, issued.AddHours(2), tokens.Scope),
            null,
            CancellationToken.None);
    }

    private async Task<JsonNode> InvokeAsync(string golden = "timer")
    {
        using var response = await _handler.InvokeAsync(KeepAliveFunction.Name, Golden.Read("KeepAlive", golden + ".request.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static List<string> Logs(JsonNode answer) => [.. answer["Logs"]!.AsArray().Select(l => l!.GetValue<string>())];

    [Fact]
    public async Task Not_connected_is_a_successful_run_that_says_to_connect()
    {
        var answer = await InvokeAsync();

        GoldenAnswer.Match("KeepAlive", "timer-not-connected", answer);
        Assert.Empty(answer["Outputs"]!.AsObject());
    }

    [Fact]
    public async Task Past_due_timer_is_noted_and_still_runs()
    {
        var logs = Logs(await InvokeAsync("timer-past-due"));

        Assert.Equal(2, logs.Count);
        Assert.Contains("past due", logs[0], StringComparison.Ordinal);
        Assert.Contains("not connected", logs[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Young_refresh_token_is_left_alone()
    {
        await SeedAsync(TimeSpan.FromDays(1));
        var before = (await _store.GetAsync("default", CancellationToken.None))!.Tokens;

        var logs = Logs(await InvokeAsync());

        Assert.StartsWith("Keep-alive: nothing to do", Assert.Single(logs), StringComparison.Ordinal);
        Assert.Equal(before.RefreshToken, (await _store.GetAsync("default", CancellationToken.None))!.Tokens.RefreshToken);
    }

    [Fact]
    public async Task Refresh_token_older_than_the_keep_alive_age_is_rotated()
    {
        await SeedAsync(TimeSpan.FromDays(8));
        var before = (await _store.GetAsync("default", CancellationToken.None))!.Tokens;

        var logs = Logs(await InvokeAsync());

        Assert.StartsWith("Keep-alive: refreshed the Outreach tokens", Assert.Single(logs), StringComparison.Ordinal);
        var after = (await _store.GetAsync("default", CancellationToken.None))!.Tokens;
        Assert.NotEqual(before.RefreshToken, after.RefreshToken);
        Assert.True(after.RefreshTokenIssuedAt > before.RefreshTokenIssuedAt.AddDays(7));
        Assert.DoesNotContain(after.RefreshToken, string.Join('\n', logs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_refresh_token_is_reported_with_the_alert_marker_and_the_run_succeeds()
    {
        await SeedAsync(TimeSpan.FromDays(8), refreshToken: "revoked-or-unknown-refresh-token");

        var logs = Logs(await InvokeAsync());

        var line = Assert.Single(logs);
        Assert.StartsWith(KeepAliveLogFormatter.NeedsReauthorizationMarker + ":", line, StringComparison.Ordinal);
        Assert.Equal(ConnectionStatus.NeedsReauthorization, (await _store.GetAsync("default", CancellationToken.None))!.Tokens.Status);
    }

    [Fact]
    public void Function_json_is_a_timer_every_six_hours()
    {
        using var definition = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions", KeepAliveFunction.Name, "function.json")));
        var trigger = Assert.Single(definition.RootElement.GetProperty("bindings").EnumerateArray());
        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(KeepAliveFunction.TriggerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal("0 0 */6 * * *", trigger.GetProperty("schedule").GetString());
        Assert.False(trigger.GetProperty("runOnStartup").GetBoolean());
    }

    [Fact]
    public async Task Standalone_keep_alive_service_runs_after_its_initial_delay()
    {
        var capture = new LogCapture();
        await using var connector = await StandaloneConnector.StartAsync(
            azurite,
            settings: new Dictionary<string, string?> { ["KeepAlive:InitialDelay"] = "00:00:00", ["KeepAlive:Interval"] = "01:00:00" },
            replaceServices: services => services.AddSingleton<ILoggerProvider>(capture));

        await Eventually.HoldsAsync(
            () => Task.FromResult(capture.Entries.Any(e => e.FullText.Contains("Keep-alive: the connector is not connected", StringComparison.Ordinal))),
            () => Task.FromResult("no keep-alive log line: " + capture.AllText));
    }

    [Fact]
    public async Task Standalone_keep_alive_check_returns_the_result()
    {
        await using var connector = await StandaloneConnector.StartAsync(azurite, settings: new Dictionary<string, string?> { ["KeepAlive:Enabled"] = "false" });
        var service = ActivatorUtilities.CreateInstance<KeepAliveService>(connector.Services);

        var result = await service.CheckOnceAsync(CancellationToken.None);

        Assert.IsType<KeepAliveOutcome.NotConnected>(result);
    }
}

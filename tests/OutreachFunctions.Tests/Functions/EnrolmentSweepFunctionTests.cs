using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Functions.EnrolmentSweep;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The EnrolmentSweep timer function (timer envelope: Data.timer is the TimerInfo object the host writes as JSON), with
// the enrolment store on Azurite and the sandbox as Outreach. Tokens live in memory; the clock is real, so the sandbox
// processes the enrolment batch while the sweep follows it.
[Collection(AzuriteCollection.Name)]
public sealed class EnrolmentSweepFunctionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Scopes = "prospects.read prospects.write batches.read batches.write sequences.read mailboxes.read sequenceStates.read sequenceStates.write";
    private readonly InMemoryTokenStore _store = new();
    private SandboxServer _sandbox = null!;

    public async Task InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero } });

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    private Task<FunctionsHandler> StartAsync(string mapping) => FunctionsHandler.StartAsync(
        FunctionsHandler.Merge(
            FunctionsHandler.AzuriteSettings(azurite),
            FunctionsHandler.SandboxSettings(_sandbox),
            new Dictionary<string, string?>
            {
                ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", mapping),
                ["Tokens:MintingInterval"] = "00:00:00",
                ["Sequences:BatchPollInterval"] = "00:00:00.050",
            }),
        services =>
        {
            services.AddSingleton<TimeProvider>(TimeProvider.System);
            services.AddSingleton<ITokenStore>(_store);
            services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
        });

    private async Task ConnectAsync()
    {
        var tokens = await _sandbox.ConnectAsync(Scopes);
        var now = DateTimeOffset.UtcNow;
        await _store.SaveAsync(
            "default",
            new ConnectionTokens(ConnectionStatus.Connected, tokens.RefreshToken!, now, tokens.AccessToken, now, now.AddHours(2), tokens.Scope),
            null,
            CancellationToken.None);
    }

    private static async Task<List<string>> InvokeAsync(FunctionsHandler handler, string golden = "timer")
    {
        using var response = await handler.InvokeAsync(EnrolmentSweepFunction.Name, Golden.Read("EnrolmentSweep", golden + ".request.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Empty(answer["Outputs"]!.AsObject());
        return [.. answer["Logs"]!.AsArray().Select(l => l!.GetValue<string>())];
    }

    [Fact]
    public async Task Without_a_sequence_in_the_mapping_the_run_does_nothing_and_succeeds()
    {
        await using var handler = await StartAsync("mapping.json");

        Assert.Equal(["Enrolment sweep: the mapping has no sequence; nothing to do."], await InvokeAsync(handler));
    }

    [Fact]
    public async Task Past_due_timer_is_noted_and_still_runs()
    {
        await using var handler = await StartAsync("mapping-sequence.json");

        var logs = await InvokeAsync(handler, "timer-past-due");

        Assert.Equal(2, logs.Count);
        Assert.Contains("past due", logs[0], StringComparison.Ordinal);
        Assert.Equal("Enrolment sweep: nothing waits.", logs[1]);
    }

    [Fact]
    public async Task The_timer_sends_enrolments_waiting_past_their_delay_without_new_traffic()
    {
        await ConnectAsync();
        await using var handler = await StartAsync("mapping-sequence.json");
        Assert.Equal(["Enrolment sweep: nothing waits."], await InvokeAsync(handler));

        // Three entries recorded by earlier delivery batches two minutes ago, past the default delay, and no new export.
        var store = handler.Services.GetRequiredService<EnrolmentStore>();
        var since = DateTimeOffset.UtcNow.AddMinutes(-2);
        foreach (var prospectId in new long[] { 41, 42, 43 })
        {
            Assert.True(await store.TryEnterAsync(null, new PendingEnrolment(prospectId, 1, 1, 1, since, PendingReasons.New), since, CancellationToken.None));
        }

        var logs = await InvokeAsync(handler);

        Assert.StartsWith("Enrolment sweep: ", Assert.Single(logs), StringComparison.Ordinal);
        Assert.Contains("3 enrolled", logs[0], StringComparison.Ordinal);
        Assert.Equal([41L, 42, 43], (await _sandbox.GetEnrolmentsAsync(sequenceId: 1)).Select(e => e.ProspectId).Order());
        Assert.Empty(await store.PendingAsync(10, CancellationToken.None));
        Assert.Equal(["Enrolment sweep: nothing waits."], await InvokeAsync(handler));
    }

    [Fact]
    public void Function_json_is_a_timer_every_fifteen_seconds()
    {
        using var definition = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions", EnrolmentSweepFunction.Name, "function.json")));
        var trigger = Assert.Single(definition.RootElement.GetProperty("bindings").EnumerateArray());
        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(EnrolmentSweepFunction.TriggerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal("*/15 * * * * *", trigger.GetProperty("schedule").GetString());
        Assert.False(trigger.GetProperty("runOnStartup").GetBoolean());
    }
}

using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using Outreach.Connector.Queueing;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Monitoring;
using OutreachFunctions.Functions.Status;
using OutreachFunctions.Monitoring;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

// The monitoring functions in envelope mode: the host always gets 200 and the caller's answer is in Outputs.res, the
// same answers MonitoringAnswers gives the standalone routes. Replay sends through the mocked Service Bus client.
[Collection(AzuriteCollection.Name)]
public sealed class MonitoringFunctionsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Webinar = "cccccccc-3333-4000-8000-000000000003";
    private const string EmulatorConnectionString = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    private readonly RecordingServiceBus _bus = new();
    private FunctionsHandler _handler = null!;

    public async Task InitializeAsync() => _handler = await DeliverFunctionTests.StartHandlerAsync(_bus, FunctionsHandler.AzuriteSettings(azurite));

    public async Task DisposeAsync() => await _handler.DisposeAsync();

    private static async Task<HttpFunctionAnswer> InvokeAsync(
        FunctionsHandler handler, string function, string method, string route, IReadOnlyDictionary<string, string>? query = null)
    {
        using var response = await handler.InvokeAsync(function, HostEnvelope.Http(method, "/api/" + route, query, function));
        var answer = await HttpFunctionAnswer.ReadAsync(response);
        Assert.Equal("no-store", answer.Headers["Cache-Control"]);
        return answer;
    }

    private Task<HttpFunctionAnswer> ReplayAsync(IReadOnlyDictionary<string, string> query) =>
        InvokeAsync(_handler, MonitoringFunctions.Replay, "POST", "ops/replay", query);

    private static ReplayResult ReadReplay(HttpFunctionAnswer answer) =>
        JsonSerializer.Deserialize(answer.Body, MonitoringJsonContext.Default.ReplayResult)!;

    private FailureLedger Ledger => _handler.Services.GetRequiredService<FailureLedger>();

    // Three updates Outreach refused with 422 on custom3 (the field did not exist yet), and one 404.
    private async Task<List<ProspectUpdate>> FileFailuresAsync()
    {
        var missingField = new OutreachCallOutcome.Permanent(
            422, [new OutreachError("validationError", "Validation Error", "custom3 does not exist", "/data/attributes/custom3")], RateLimitSnapshot.None);
        var updates = new List<ProspectUpdate>();
        for (var id = 1; id <= 3; id++)
        {
            var update = new ProspectUpdate(
                id,
                new Dictionary<string, FieldChange> { ["custom3"] = new(FieldValue.FromString("realized"), FunctionsHandler.Now.AddMinutes(-30), Webinar) },
                FunctionsHandler.Now.AddMinutes(-30));
            await Ledger.RecordRejectionAsync(update, missingField, ["m" + id], 1, CancellationToken.None);
            updates.Add(update);
        }

        var notFound = new OutreachCallOutcome.Permanent(404, [new OutreachError("resourceNotFound", "Resource Not Found", null, null)], RateLimitSnapshot.None);
        var missing = new ProspectUpdate(
            99, new Dictionary<string, FieldChange> { ["firstName"] = new(FieldValue.FromString("Ann"), FunctionsHandler.Now, null) }, FunctionsHandler.Now);
        await Ledger.RecordRejectionAsync(missing, notFound, ["m99"], 1, CancellationToken.None);
        return updates;
    }

    private async Task<List<FailureLedgerEntry>> LedgerEntriesAsync()
    {
        var entries = new List<FailureLedgerEntry>();
        await foreach (var entry in Ledger.QueryAsync(new FailureQuery(), CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    [Fact]
    public async Task Status_page_is_the_html_page_and_its_data_request_carries_the_key_it_was_opened_with()
    {
        var page = await InvokeAsync(_handler, MonitoringFunctions.StatusPage, "GET", "status", new Dictionary<string, string> { ["code"] = "master-key" });

        Assert.Equal(200, page.StatusCode);
        Assert.Equal(MonitoringAnswers.HtmlContentType, page.Headers["Content-Type"]);
        Assert.Equal(StatusPageResource.Bytes, System.Text.Encoding.UTF8.GetBytes(page.Body));

        // The page asks for its data relative to its own address, with its own query string: opened as
        // /api/status?code=<master key>, it fetches /api/status/data?code=<master key>, the StatusData function.
        Assert.Contains("fetch(\"status/data\" + window.location.search", page.Body, StringComparison.Ordinal);
        var opened = new Uri("https://func-outreach-test.azurewebsites.net/api/status?code=master-key");
        Assert.Equal("https://func-outreach-test.azurewebsites.net/api/status/data?code=master-key", new Uri(opened, "status/data" + opened.Query).ToString());
    }

    [Fact]
    public async Task Status_data_is_the_run_report_and_a_bad_hours_value_is_a_400_for_the_caller_only()
    {
        var data = await InvokeAsync(_handler, MonitoringFunctions.StatusData, "GET", "status/data", new Dictionary<string, string> { ["hours"] = "6", ["code"] = "k" });

        Assert.Equal(200, data.StatusCode);
        Assert.Equal(MonitoringAnswers.JsonContentType, data.Headers["Content-Type"]);
        var report = JsonSerializer.Deserialize(data.Body, MonitoringJsonContext.Default.ConnectorStatus);
        Assert.NotNull(report);

        var refused = await InvokeAsync(_handler, MonitoringFunctions.StatusData, "GET", "status/data", new Dictionary<string, string> { ["hours"] = "0" });

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("invalid_hours", JsonDocument.Parse(refused.Body).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Health_of_a_connector_never_connected_is_503_degraded_in_res_while_the_host_gets_200()
    {
        var health = await InvokeAsync(_handler, MonitoringFunctions.Health, "GET", "health");

        Assert.Equal(503, health.StatusCode);
        Assert.Equal(MonitoringAnswers.JsonContentType, health.Headers["Content-Type"]);
        var report = JsonSerializer.Deserialize(health.Body, MonitoringJsonContext.Default.HealthReport)!;
        Assert.Equal(HealthReport.Degraded, report.Status);
        Assert.Equal("not_connected", Assert.Single(report.Reasons).Code);
    }

    [Fact]
    public async Task Health_of_a_connected_connector_is_200_healthy()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero } });
        await using var handler = await DeliverFunctionTests.StartHandlerAsync(
            _bus, FunctionsHandler.Merge(FunctionsHandler.AzuriteSettings(azurite), FunctionsHandler.SandboxSettings(sandbox)));
        await FunctionsConnection.ConnectAsync(handler, sandbox);

        var health = await InvokeAsync(handler, MonitoringFunctions.Health, "GET", "health");

        Assert.True(health.StatusCode == 200, health.Body);
        var report = JsonSerializer.Deserialize(health.Body, MonitoringJsonContext.Default.HealthReport)!;
        Assert.Equal((HealthReport.Healthy, 0), (report.Status, report.Reasons.Count));
    }

    [Fact]
    public async Task Dry_run_lists_nothing_when_no_dry_run_is_configured_and_checks_max()
    {
        var records = await InvokeAsync(_handler, MonitoringFunctions.DryRun, "GET", "ops/dryrun");

        Assert.Equal(200, records.StatusCode);
        Assert.Equal(MonitoringAnswers.JsonContentType, records.Headers["Content-Type"]);
        Assert.Equal("[]", records.Body);

        var refused = await InvokeAsync(_handler, MonitoringFunctions.DryRun, "GET", "ops/dryrun", new Dictionary<string, string> { ["max"] = "0" });
        Assert.Equal(400, refused.StatusCode);
    }

    [Fact]
    public async Task Replay_list_only_lists_the_matching_entries_and_sends_nothing()
    {
        await FileFailuresAsync();

        var answer = await ReplayAsync(new Dictionary<string, string> { ["errorId"] = "validationError", ["listOnly"] = "true", ["code"] = "master-key" });

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(MonitoringAnswers.JsonContentType, answer.Headers["Content-Type"]);
        var result = ReadReplay(answer);
        Assert.Equal((3, 0, true, null), (result.Matched, result.Replayed, result.ListOnly, result.Error));
        Assert.Equal([1L, 2L, 3L], result.Entries.Select(e => e.ProspectId).Order());
        Assert.Empty(_bus.Attempts);
        Assert.Equal(4, (await LedgerEntriesAsync()).Count);
    }

    [Fact]
    public async Task Replay_sends_one_batch_to_the_update_queue_through_the_client_then_removes_the_entries()
    {
        var failed = await FileFailuresAsync();

        var answer = await ReplayAsync(new Dictionary<string, string> { ["audienceId"] = Webinar });

        Assert.True(answer.StatusCode == 200, answer.Body);
        var result = ReadReplay(answer);
        Assert.Equal((3, 3, false, null), (result.Matched, result.Replayed, result.ListOnly, result.Error));
        var batch = Assert.Single(_bus.Sends);
        var sent = batch.Select(m => ProspectUpdateFormat.Deserialize(m.Body.ToString())).ToList();
        // Fresh ids, never the ingest ids: a replay inside the duplicate detection window must not be dropped.
        Assert.All(batch, m => Assert.StartsWith("replay-", m.MessageId, StringComparison.Ordinal));
        Assert.Equal(3, batch.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(failed.Select(u => u.ProspectId), sent.Select(u => u.ProspectId).Order());
        Assert.All(sent, u => Assert.Equal(failed[0].Fields["custom3"], u.Fields["custom3"]));
        var left = Assert.Single(await LedgerEntriesAsync());
        Assert.Equal((99L, "resourceNotFound"), (left.ProspectId, left.Key.Partition));
    }

    [Fact]
    public async Task Replay_refused_by_Service_Bus_keeps_every_entry_and_answers_503_with_the_reason()
    {
        await FileFailuresAsync();
        _bus.Failures.Enqueue(new ServiceBusException("The quota was exceeded.", ServiceBusFailureReason.QuotaExceeded));

        var answer = await ReplayAsync(new Dictionary<string, string> { ["errorId"] = "validationError" });

        Assert.Equal(503, answer.StatusCode);
        var result = ReadReplay(answer);
        Assert.Equal((3, 0), (result.Matched, result.Replayed));
        Assert.Contains("The quota was exceeded.", result.Error, StringComparison.Ordinal);
        Assert.Contains("3 entries stay in the ledger", result.Error, StringComparison.Ordinal);
        Assert.Single(_bus.Attempts);
        Assert.Equal(4, (await LedgerEntriesAsync()).Count);
    }

    [Fact]
    public async Task Replay_with_a_bad_query_is_a_400_and_touches_nothing()
    {
        await FileFailuresAsync();

        var answer = await ReplayAsync(new Dictionary<string, string> { ["max"] = "0" });

        Assert.Equal(400, answer.StatusCode);
        Assert.Equal("invalid_replay_query", JsonDocument.Parse(answer.Body).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_bus.Attempts);
        Assert.Equal(4, (await LedgerEntriesAsync()).Count);
    }

    [Fact]
    public async Task Replay_lists_from_the_ledger_alone_and_refuses_a_malformed_query_first()
    {
        var settings = FunctionsHandler.Merge(FunctionsHandler.AzuriteSettings(azurite), new Dictionary<string, string?>
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = null,
            ["ServiceBusConnection"] = EmulatorConnectionString,
        });
        await using var handler = await FunctionsHandler.StartAsync(settings, services =>
        {
            services.AddSingleton<ITokenStore>(new InMemoryTokenStore());
            services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
        });
        var missingField = new OutreachCallOutcome.Permanent(
            422, [new OutreachError("validationError", "Validation Error", "custom3 does not exist", "/data/attributes/custom3")], RateLimitSnapshot.None);
        var update = new ProspectUpdate(
            7,
            new Dictionary<string, FieldChange> { ["custom3"] = new(FieldValue.FromString("realized"), FunctionsHandler.Now.AddMinutes(-30), Webinar) },
            FunctionsHandler.Now.AddMinutes(-30));
        await handler.Services.GetRequiredService<FailureLedger>().RecordRejectionAsync(update, missingField, ["m7"], 1, CancellationToken.None);

        // Listing only reads the ledger: no sender needed.
        var listed = await InvokeAsync(handler, MonitoringFunctions.Replay, "POST", "ops/replay", new Dictionary<string, string> { ["listOnly"] = "true" });
        Assert.True(listed.StatusCode == 200, listed.Body);
        Assert.Equal([7L], ReadReplay(listed).Entries.Select(e => e.ProspectId));

        // A malformed query is a 400 before anything else.
        var malformed = await InvokeAsync(handler, MonitoringFunctions.Replay, "POST", "ops/replay", new Dictionary<string, string> { ["max"] = "0" });
        Assert.Equal(400, malformed.StatusCode);
    }

    [Fact]
    public async Task Health_answers_HEAD_as_it_answers_GET()
    {
        var health = await InvokeAsync(_handler, MonitoringFunctions.Health, "HEAD", "health");

        Assert.Equal(503, health.StatusCode);
        Assert.Equal("not_connected", Assert.Single(JsonSerializer.Deserialize(health.Body, MonitoringJsonContext.Default.HealthReport)!.Reasons).Code);
    }

    [Fact]
    public async Task Health_with_unreachable_storage_is_503_degraded_storage_unreachable()
    {
        // Port 9 on loopback: nothing listens, so every storage call is refused.
        const string Unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?> { ["ConnectorStorage"] = Unreachable }, services =>
        {
            services.AddSingleton<ITokenStore>(new InMemoryTokenStore());
            services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
        });

        var health = await InvokeAsync(handler, MonitoringFunctions.Health, "GET", "health");

        Assert.Equal(503, health.StatusCode);
        var report = JsonSerializer.Deserialize(health.Body, MonitoringJsonContext.Default.HealthReport)!;
        Assert.Equal(HealthReport.Degraded, report.Status);
        Assert.Contains(report.Reasons, reason => reason.Code == "storage_unreachable");
    }

    [Theory]
    [InlineData(MonitoringFunctions.StatusPage, "admin", "get", "status")]
    [InlineData(MonitoringFunctions.StatusData, "admin", "get", "status/data")]
    [InlineData(StatusFunction.Name, "admin", "get", "status/connection")]
    [InlineData(MonitoringFunctions.Health, "function", "get,head", "health")]
    [InlineData(MonitoringFunctions.Replay, "admin", "post", "ops/replay")]
    [InlineData(MonitoringFunctions.DryRun, "admin", "get", "ops/dryrun")]
    public void Monitoring_functions_have_their_auth_level_route_and_method(string function, string authLevel, string method, string route)
    {
        using var definition = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions", function, "function.json")));
        var bindings = definition.RootElement.GetProperty("bindings").EnumerateArray().ToList();
        Assert.Equal(2, bindings.Count);
        var trigger = bindings.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal(HttpFunction.TriggerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(method.Split(','), trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(HttpFunction.ResponseBinding, bindings.Single(b => b.GetProperty("type").GetString() == "http").GetProperty("name").GetString());
    }

    // The host refuses a function whose route starts with "admin" or "runtime" ("The specified route conflicts with one or
    // more built in routes."), whatever the route prefix; nothing here would notice, only the host at start.
    [Fact]
    public void No_function_route_is_in_the_hosts_reserved_space()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions")))
        {
            using var definition = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "function.json")));
            foreach (var binding in definition.RootElement.GetProperty("bindings").EnumerateArray())
            {
                if (binding.GetProperty("type").GetString() == "httpTrigger")
                {
                    var route = binding.TryGetProperty("route", out var r) ? r.GetString()! : Path.GetFileName(folder);
                    var normalized = route.Trim('/').ToLowerInvariant();
                    Assert.False(normalized.StartsWith("admin", StringComparison.Ordinal) || normalized.StartsWith("runtime", StringComparison.Ordinal), $"{Path.GetFileName(folder)}: route '{route}' is reserved by the host");
                }
            }
        }
    }
}

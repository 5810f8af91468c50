using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Updates;
using Outreach.Testing;
using OutreachFunctions.Monitoring;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.Monitoring.InjectedFailuresScenario;

namespace OutreachFunctions.Tests.Monitoring;

/// <summary>Acting on what the status shows: replay after fixing the cause (endpoint and command), and the dry run.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OperatingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Replay_after_creating_the_missing_custom_field_writes_the_failed_updates_and_empties_their_ledger_entries()
    {
        await using var sandbox = await SandboxServer.StartAsync(Sandbox());
        await using var connector = await MonitoredConnector.StartAsync(azurite, sandbox, Settings());
        await RunAsync(connector, sandbox);

        var preview = await ReplayAsync(connector, "?errorId=validationError&listOnly=true");
        Assert.Equal((BadMapping.Length, 0, true), (preview.Matched, preview.Replayed, preview.ListOnly));
        Assert.Equal(BadMapping.ToHashSet(), preview.Entries.Select(e => e.ProspectId).ToHashSet());

        // The operator creates custom3 in Outreach, then replays only that error.
        sandbox.Options.Prospects.MissingCustomFields.Clear();
        var replayed = await ReplayAsync(connector, "?errorId=validationError");
        Assert.Equal((BadMapping.Length, BadMapping.Length), (replayed.Matched, replayed.Replayed));

        await PipelineTestsAccess.AssertSandboxHoldsAsync(sandbox, BadMapping.ToDictionary(id => id, _ => new Dictionary<string, string> { ["custom3"] = "realized" }));
        var ledger = await LedgerAsync(connector);
        Assert.DoesNotContain(ledger, e => e.Key.Partition == "validationError");
        Assert.Equal(Missing.Length, ledger.Count(e => e.Key.Partition == "resourceNotFound"));
        ConnectorStatus status = null!;
        await Eventually.HoldsAsync(
            async () => (status = await connector.GetStatusAsync()).Totals.Activated == Good.Length + BadMapping.Length,
            () => Task.FromResult($"activated {status.Totals.Activated}"));
        Assert.Equal(BadMapping.Length, status.Totals.Replayed);
        var webinar = Assert.Single(status.Audiences, a => a.AudienceId == Webinar);
        Assert.Equal(BadMapping.Length, webinar.Written["realized"]);
        Assert.NotNull(webinar.LastWrittenAt);
    }

    [Fact]
    public async Task Replay_command_lists_and_replays_with_the_apps_settings()
    {
        await using var sandbox = await SandboxServer.StartAsync(Sandbox());
        await using var connector = await MonitoredConnector.StartAsync(azurite, sandbox, Settings());
        await RunAsync(connector, sandbox);
        var configuration = connector.Services.GetRequiredService<IConfiguration>();

        var (exit, output, errors) = await CommandAsync(configuration, "replay", "--error-id", "resourceNotFound", "--list");
        Assert.True(exit == 0, errors);
        Assert.Contains($"{Missing.Length} matched, 0 replayed (list only).", output, StringComparison.Ordinal);
        Assert.Contains("would replay  resourceNotFound  prospect 1001", output, StringComparison.Ordinal);

        var before = (await SandboxPatchesAsync(sandbox)).GetValueOrDefault(404);
        (exit, output, errors) = await CommandAsync(configuration, "replay", "--error-id", "resourceNotFound", "--from", DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture));
        Assert.True(exit == 0, errors);
        Assert.Contains($"{Missing.Length} matched, {Missing.Length} replayed.", output, StringComparison.Ordinal);

        // The prospects still do not exist: delivery sends them again and files them again under the same error.
        await Eventually.HoldsAsync(
            async () => (await SandboxPatchesAsync(sandbox)).GetValueOrDefault(404) == before + Missing.Length
                && (await LedgerAsync(connector)).Count(e => e.Key.Partition == "resourceNotFound") == Missing.Length,
            () => Task.FromResult("the replayed 404s were not sent and filed again"));

        (exit, _, errors) = await CommandAsync(configuration, "replay", "--from", "yesterday");
        Assert.Equal(2, exit);
        Assert.Contains("from must be an ISO 8601 time", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_sends_nothing_and_records_field_fingerprints_without_values()
    {
        await using var sandbox = await SandboxServer.StartAsync(Sandbox());
        var settings = Settings();
        settings["Delivery:DryRun"] = "true";
        await using var connector = await MonitoredConnector.StartAsync(azurite, sandbox, settings);
        await connector.ConnectAsync(sandbox);
        var ids = Good.Take(10).ToList();

        using var content = new StringContent(
            new JsonArray([.. ids.Select(id => Profile(id.ToString(CultureInfo.InvariantCulture), (HighIntent, id % 2 == 1 ? "realized" : "exited")))]).ToJsonString(),
            Encoding.UTF8,
            "application/json");
        Assert.Equal(HttpStatusCode.Accepted, (await connector.Client.PostAsync(new Uri("/api/profiles", UriKind.Relative), content)).StatusCode);

        ConnectorStatus status = null!;
        await Eventually.HoldsAsync(
            async () => (status = await connector.GetStatusAsync()).Totals.Activated == ids.Count,
            () => Task.FromResult($"activated {status.Totals.Activated}"));
        Assert.True(status.DryRun);
        Assert.Equal((ids.Count, 0L), (status.Totals.DryRunApplied, status.Totals.RequestsSent));
        Assert.DoesNotContain(await sandbox.GetRequestsAsync(), IsProspectPatch);

        var response = await connector.Client.GetAsync(new Uri("/api/admin/dryrun", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.DoesNotContain(FirstNameMarker, body, StringComparison.Ordinal);
        var records = JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.ListDryRunRecord)!;
        Assert.Equal(ids.ToHashSet(), records.Select(r => r.ProspectId).ToHashSet());
        var seven = records.Single(r => r.ProspectId == 7);
        Assert.Equal("realized", seven.Fields["custom1"].Status);
        Assert.Equal(DryRunProspectClient.Fingerprint(FieldValue.FromString(FirstNameMarker)), seven.Fields["firstName"]);
        Assert.Null(seven.Fields["firstName"].Status);
    }

    private static async Task<ReplayResult> ReplayAsync(MonitoredConnector connector, string query)
    {
        var response = await connector.Client.PostAsync(new Uri("/api/admin/replay" + query, UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.ReplayResult)!;
    }

    private static async Task<(int Exit, string Output, string Errors)> CommandAsync(IConfiguration configuration, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var errors = new StringWriter(CultureInfo.InvariantCulture);
        Assert.True(ReplayCommand.IsReplay(args));
        var exit = await ReplayCommand.RunAsync(args, configuration, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    private static async Task<List<FailureLedgerEntry>> LedgerAsync(MonitoredConnector connector)
    {
        var entries = new List<FailureLedgerEntry>();
        await foreach (var entry in connector.Services.GetRequiredService<FailureLedger>().QueryAsync(new FailureQuery(), CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    // PipelineTests.AssertSandboxHoldsAsync is internal to its class; reach it under a name that says where it comes from.
    private static class PipelineTestsAccess
    {
        public static Task AssertSandboxHoldsAsync(SandboxServer sandbox, IReadOnlyDictionary<long, Dictionary<string, string>> expected) =>
            EndToEnd.PipelineTests.AssertSandboxHoldsAsync(sandbox, expected);
    }
}

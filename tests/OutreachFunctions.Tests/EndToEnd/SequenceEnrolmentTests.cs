using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>
/// Enrolling prospects in their audience's sequence (mapping <c>sequence</c>), end to end against the sandbox: each
/// entry enrolled once whatever AEP repeats, the backfill left alone, one state finished on exit, the guard holding the
/// hour's excess, and a dry run sending nothing. The sandbox's disposal fails a test that enrolled anyone twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SequenceEnrolmentTests(AzuriteFixture azurite)
{
    private const string Audience = "aaaaaaaa-1111-4000-8000-000000000001";
    private const long SequenceId = 1;

    private static Dictionary<string, string?> SequenceMapping(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>(FastDelivery())
        {
            ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping-sequence.json"),
            ["Outreach:Scopes"] = "prospects.read prospects.write batches.read batches.write sequences.read mailboxes.read sequenceStates.read sequenceStates.write",
            ["Sequences:BatchPollInterval"] = "00:00:00.050",

            // These tests assert enrolment as soon as the entry is delivered: no waiting for others to share an action.
            ["Sequences:MaxEnrolmentDelay"] = "00:00:00",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static JsonObject Profile(long prospectId, string status, int minute) => new()
    {
        ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = "First" + prospectId.ToString(CultureInfo.InvariantCulture), ["lastName"] = "Last" } },
        ["segmentMembership"] = new JsonObject
        {
            ["ups"] = new JsonObject
            {
                [Audience] = new JsonObject
                {
                    ["status"] = status,
                    ["lastQualificationTime"] = new DateTimeOffset(2025, 3, 1, 0, minute, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            },
        },
        ["identityMap"] = new JsonObject { ["Oid"] = new JsonArray(new JsonObject { ["id"] = prospectId.ToString(CultureInfo.InvariantCulture) }) },
    };

    private static IEnumerable<JsonObject> Repeated(IEnumerable<long> ids, string status, int minute, int times) =>
        ids.SelectMany(id => Enumerable.Range(0, times).Select(_ => Profile(id, status, minute)));

    private async Task<List<TableEntity>> RowsAsync(StandaloneConnector connector, string partition)
    {
        var table = new TableClient(azurite.ConnectionString, connector.Isolation.NamePrefix + "SequenceEnrolments");
        await table.CreateIfNotExistsAsync();
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == partition))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Realized_enrols_once_across_repeats_existing_is_not_enrolled_and_an_exit_finishes_only_that_state()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        var settings = SequenceMapping();
        await using var first = await StandaloneConnector.StartAsync(azurite, sandbox, settings);
        await first.ConnectAsync(sandbox);
        await using var second = await StandaloneConnector.StartAsync(azurite, sandbox, settings, isolation: first.Isolation);

        // The backfill first, then ten entries each sent three times (AEP's repeats), spread over two drainers.
        var existing = Enumerable.Range(201, 5).Select(i => (long)i).ToList();
        var entered = Enumerable.Range(101, 10).Select(i => (long)i).ToList();
        await PostAsync(first, Repeated(existing, "existing", minute: 1, times: 2));
        var profiles = Repeated(entered, "realized", minute: 2, times: 3).ToList();
        await Task.WhenAll(PostAsync(first, profiles.Where((_, k) => k % 2 == 0)), PostAsync(second, profiles.Where((_, k) => k % 2 == 1)));

        await Eventually.HoldsAsync(
            async () => (await sandbox.GetEnrolmentsAsync(sequenceId: SequenceId)).Count(e => entered.Contains(e.ProspectId)) == entered.Count,
            async () => $"{(await sandbox.GetEnrolmentsAsync(sequenceId: SequenceId)).Count} enrolled so far");

        // A later export repeats the entries: nobody is enrolled again (the sandbox's disposal checks it too).
        await PostAsync(first, Repeated(entered, "realized", minute: 2, times: 1));
        await Eventually.HoldsAsync(
            async () => (await RowsAsync(first, "s1")).Count(r => r.GetString("State") == "enrolled") == entered.Count,
            async () => $"{(await RowsAsync(first, "s1")).Count} rows so far");
        var enrolments = await sandbox.GetEnrolmentsAsync(sequenceId: SequenceId);
        Assert.All(enrolments, e => Assert.Equal(1, e.Enrolments));
        Assert.DoesNotContain(enrolments, e => existing.Contains(e.ProspectId));
        Assert.Equal(entered.Count, (await sandbox.GetCountersAsync()).Sequences.EnrolmentsByBulkAction);

        // Prospect 101 leaves the audience: its one state in sequence 1 is finished, nobody else's.
        await PostAsync(first, [Profile(101, "exited", minute: 3)]);
        await Eventually.HoldsAsync(
            async () => (await sandbox.GetCountersAsync()).Sequences.StatesFinished == 1,
            async () => $"{(await sandbox.GetCountersAsync()).Sequences.StatesFinished} states finished");
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Sequences.StatesPaused);
    }

    [Fact]
    public async Task The_guard_holds_the_hours_excess_and_the_field_writes_still_go()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, SequenceMapping(("Sequences:MaxEnrolmentsPerHour", "3")));
        await connector.ConnectAsync(sandbox);

        var entered = Enumerable.Range(301, 8).Select(i => (long)i).ToList();
        await PostAsync(connector, Repeated(entered, "realized", minute: 1, times: 1));

        // Held visibly: the excess waits in the store as held by the guard; three are enrolled, no more.
        await Eventually.HoldsAsync(
            async () => (await RowsAsync(connector, "pending")).Count(r => r.GetString("Why") == "guard") == entered.Count - 3,
            async () => $"{(await RowsAsync(connector, "pending")).Count} waiting so far");
        await AssertSandboxHoldsAsync(sandbox, entered.ToDictionary(id => id, _ => new Dictionary<string, string> { ["custom1"] = "realized" }));
        await Eventually.HoldsAsync(
            async () => (await RowsAsync(connector, "s1")).Count(r => r.GetString("State") == "enrolled") == 3,
            async () => $"{(await RowsAsync(connector, "s1")).Count(r => r.GetString("State") == "enrolled")} enrolled so far");
        Assert.Equal(3, (await sandbox.GetEnrolmentsAsync(sequenceId: SequenceId)).Count(e => entered.Contains(e.ProspectId)));

        // Visible: health is degraded with the held audience named, and the status page counts them per audience → sequence.
        using (var health = await connector.Client.GetAsync(new Uri("/api/health", UriKind.Relative)))
        {
            var body = await health.Content.ReadAsStringAsync();
            Assert.Contains("enrolments_held", body, StringComparison.Ordinal);
            Assert.Contains("Enrolments held for audience", body, StringComparison.Ordinal);
        }

        await Eventually.HoldsAsync(
            async () => (await connector.Client.GetStringAsync(new Uri("/api/status/data", UriKind.Relative))).Replace(" ", "", StringComparison.Ordinal).Contains("\"held\":5", StringComparison.Ordinal),
            async () => await connector.Client.GetStringAsync(new Uri("/api/status/data", UriKind.Relative)));
    }

    [Fact]
    public async Task A_disabled_sequence_is_a_health_reason_and_enrols_nobody()
    {
        var options = FastSandbox();
        options.Sequences.Sequences.Add(new Outreach.Sandbox.Configuration.SandboxSequence { Id = 1, Name = "Off", Enabled = false, HasEmailSteps = true });
        await using var sandbox = await SandboxServer.StartAsync(options);
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, SequenceMapping());
        await connector.ConnectAsync(sandbox);

        await PostAsync(connector, [Profile(401, "realized", minute: 1)]);
        await AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>> { [401] = new() { ["custom1"] = "realized" } });
        await Eventually.HoldsAsync(
            async () => (await RowsAsync(connector, "pending")).Any(r => r.GetString("Why") == "not_ready"),
            () => Task.FromResult("the entry does not wait for the sequence"));
        using (var health = await connector.Client.GetAsync(new Uri("/api/health", UriKind.Relative)))
        {
            var body = await health.Content.ReadAsStringAsync();
            Assert.Contains("sequence_not_ready", body, StringComparison.Ordinal);
            Assert.Contains("sequence 1 is disabled in Outreach", body, StringComparison.Ordinal);
        }

        Assert.Empty(await sandbox.GetEnrolmentsAsync(sequenceId: SequenceId));
    }

    [Fact]
    public async Task A_dry_run_records_the_planned_enrolments_and_sends_none()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, SequenceMapping(("Delivery:DryRun", "true")));
        await connector.ConnectAsync(sandbox);

        var body = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "exports", "sequence-entry.json"));
        using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
        using (var response = await connector.Client.PostAsync("/api/profiles", content))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        await Eventually.HoldsAsync(
            async () => (await RowsAsync(connector, "s1")).Any(r => r.RowKey == "p7" && r.GetString("State") == "planned"),
            () => Task.FromResult("the planned enrolment of prospect 7 was not recorded"));
        Assert.Empty(await sandbox.GetEnrolmentsAsync(sequenceId: SequenceId));
    }

    [Fact]
    public async Task The_sample_export_enrols_prospect_7()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, SequenceMapping());
        await connector.ConnectAsync(sandbox);

        var body = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "exports", "sequence-entry.json"));
        using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
        using (var response = await connector.Client.PostAsync("/api/profiles", content))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        await Eventually.HoldsAsync(
            async () => (await sandbox.GetEnrolmentsAsync(prospectId: 7, sequenceId: SequenceId)).Count == 1,
            () => Task.FromResult("prospect 7 was not enrolled in sequence 1"));
    }
}

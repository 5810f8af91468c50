using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.EmailMatching;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using OutreachFunctions.Tests.Monitoring;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>
/// Matching prospects by email, end to end: exports whose only identity is an email, posted to the standalone connector
/// with the sample email mapping, resolved at delivery against the sandbox's seeded emails and PATCHed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EmailMatchingTests(AzuriteFixture azurite)
{
    private const string HighIntent = "aaaaaaaa-1111-4000-8000-000000000001";

    private static Dictionary<string, string?> EmailMapping() => new(PipelineTests.FastDelivery())
    {
        ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping-email.json"),
    };

    private static string SeededEmail(long id) => string.Create(CultureInfo.InvariantCulture, $"prospect{id}@example.test");

    private static JsonObject Profile(string email, string status, int minute, string? oid = null)
    {
        var identities = new JsonObject { ["Email"] = new JsonArray(new JsonObject { ["id"] = email }) };
        if (oid is not null)
        {
            identities["Oid"] = new JsonArray(new JsonObject { ["id"] = oid });
        }

        return new JsonObject
        {
            ["segmentMembership"] = new JsonObject
            {
                ["ups"] = new JsonObject
                {
                    [HighIntent] = new JsonObject
                    {
                        ["status"] = status,
                        ["lastQualificationTime"] = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minute)
                            .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    },
                },
            },
            ["identityMap"] = identities,
        };
    }

    private static async Task<int> LookupsAsync(SandboxServer sandbox) =>
        (await sandbox.GetRequestsAsync()).Count(IsLookup);

    private static bool IsLookup(RequestLogEntry entry) =>
        entry.Method == "GET" && Uri.UnescapeDataString(entry.Path).Contains("filter[emails]", StringComparison.Ordinal);

    [Fact]
    public async Task Sample_export_whose_only_identity_is_an_email_updates_the_right_prospect()
    {
        await using var sandbox = await SandboxServer.StartAsync(PipelineTests.FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, EmailMapping());
        await connector.ConnectAsync(sandbox);

        var body = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "exports", "email-only-profile.json"));
        using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
        using (var response = await connector.Client.PostAsync("/api/profiles", content))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        await PipelineTests.AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>>
        {
            [2] = new() { ["firstName"] = "Grace", ["lastName"] = "Hopper", ["custom1"] = "realized", ["custom3"] = "existing" },
        });
        var log = await sandbox.GetRequestsAsync();
        Assert.Single(log, IsLookup);

        // Per-record bulk writes are on by default (auto), but an import for one prospect would cost more requests than
        // its PATCH (Delivery__PerRecordBulkMinGroupSize): the lone profile goes by PATCH.
        Assert.Single(log, e => e.Method == "PATCH");
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Imports.RecordsApplied);
    }

    [Fact]
    public async Task Email_profiles_reach_their_prospects_and_a_warm_cache_sends_no_more_lookups()
    {
        await using var sandbox = await SandboxServer.StartAsync(PipelineTests.FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, EmailMapping());
        await connector.ConnectAsync(sandbox);
        var ids = Enumerable.Range(1, 60).Select(i => (long)i).ToList();

        // Cold: upper-case emails, normalized at ingest.
        await PipelineTests.PostAsync(connector, ids.Select(id => Profile(SeededEmail(id).ToUpperInvariant(), "realized", minute: 1)));
        await PipelineTests.AssertSandboxHoldsAsync(sandbox, ids.ToDictionary(id => id, _ => new Dictionary<string, string> { ["custom1"] = "realized" }));
        Assert.Equal(ids.Count, await LookupsAsync(sandbox));

        // Warm: newer evaluations of the same people; one of them also by its Outreach id, which coalesces with the email.
        await PipelineTests.PostAsync(connector, ids.Select(id => Profile(SeededEmail(id), "exited", minute: 2)).Append(Profile("someone@else.test", "existing", 3, oid: "1")));
        await PipelineTests.AssertSandboxHoldsAsync(sandbox, ids.ToDictionary(id => id, id => new Dictionary<string, string> { ["custom1"] = id == 1 ? "existing" : "exited" }));
        Assert.Equal(ids.Count, await LookupsAsync(sandbox));
    }

    [Fact]
    public async Task Unknown_and_shared_emails_are_excluded_with_their_reasons_and_emails_never_reach_the_logs()
    {
        var options = PipelineTests.FastSandbox();
        options.Prospects.DuplicateEmailEvery = 10;
        await using var sandbox = await SandboxServer.StartAsync(options);
        await using var connector = await MonitoredConnector.StartAsync(azurite, sandbox, EmailMapping());
        await connector.ConnectAsync(sandbox);

        // prospect10 is seeded with prospect9's email (a purposeful duplicate); nobody has nobody@example.test.
        await PipelineTests.PostAsync(connector.Client, [Profile(SeededEmail(9), "realized", 1), Profile("nobody@example.test", "realized", 1), Profile(SeededEmail(3), "realized", 1)]);

        await PipelineTests.AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>> { [3] = new() { ["custom1"] = "realized" } });
        await Eventually.HoldsAsync(
            async () =>
            {
                var totals = (await connector.GetStatusAsync()).Totals;
                return totals.ExcludedByReason.GetValueOrDefault("no_prospect_for_email") == 1 && totals.ExcludedByReason.GetValueOrDefault("ambiguous_email") == 1;
            },
            async () => JsonSerializer.Serialize((await connector.GetStatusAsync()).Totals.ExcludedByReason));

        var patched = (await sandbox.GetRequestsAsync()).Where(e => e.Method == "PATCH").Select(e => e.ProspectId).ToList();
        Assert.DoesNotContain(9L, patched);
        Assert.DoesNotContain(10L, patched);
        foreach (var email in new[] { SeededEmail(9), "nobody@example.test", SeededEmail(3) })
        {
            Assert.DoesNotContain(email, connector.Logs.AllText, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Prospect_answering_404_is_resolved_once_more_and_the_update_reaches_the_prospect_that_has_the_email()
    {
        await using var sandbox = await SandboxServer.StartAsync(PipelineTests.FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, EmailMapping());
        await connector.ConnectAsync(sandbox);

        // The cache still names a prospect that no longer exists (deleted or merged since it was cached).
        var email = SeededEmail(4);
        var hash = connector.Services.GetRequiredService<EmailHasher>().Hash(email);
        await connector.Services.GetRequiredService<EmailProspectCache>().StoreAsync(hash, [999_999], CancellationToken.None);

        await PipelineTests.PostAsync(connector, [Profile(email, "realized", 1)]);

        await PipelineTests.AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>> { [4] = new() { ["custom1"] = "realized" } });
        var log = await sandbox.GetRequestsAsync();
        Assert.Contains(log, e => e.Method == "PATCH" && e.ProspectId == 999_999 && e.StatusCode == 404);
        Assert.Single(log, IsLookup);

        // The 404 stays in the failure ledger, showing the email only masked and hashed.
        var entries = new List<FailureLedgerEntry>();
        await foreach (var entry in connector.Services.GetRequiredService<FailureLedger>().QueryAsync(new FailureQuery(), CancellationToken.None))
        {
            entries.Add(entry);
        }

        var notFound = Assert.Single(entries);
        Assert.Equal(999_999, notFound.ProspectId);
        Assert.Equal("p***@example.test", notFound.MaskedEmail);
        Assert.Equal(hash, notFound.EmailHash);
        Assert.DoesNotContain(email, notFound.Explanation, StringComparison.OrdinalIgnoreCase);
    }
}

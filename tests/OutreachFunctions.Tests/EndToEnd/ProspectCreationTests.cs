using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Outreach.Connector.EmailMatching;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;
using static OutreachFunctions.Tests.EndToEnd.PipelineTests;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>
/// Creating the prospect an email names (mapping <c>createProspects</c>), end to end against the sandbox: exactly one
/// prospect per email whatever the drainers, AEP's repeats and lost answers do.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProspectCreationTests(AzuriteFixture azurite)
{
    private static Dictionary<string, string?> CreateMapping(int limit = 600) => new(FastDelivery(limit))
    {
        ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping-email-create.json"),
        ["Delivery:Claims:ConflictDelay"] = "00:00:00.200",
        ["Delivery:Claims:Shards"] = "4",
    };

    private static string NewEmail(long n) => string.Create(CultureInfo.InvariantCulture, $"new{n}@example.test");

    [Fact]
    public async Task Three_drainers_create_exactly_one_prospect_per_new_email_though_a_fifth_of_the_answers_are_lost()
    {
        const int limit = 300;
        const int emails = 300;
        var options = FastSandbox(limit);

        // Purposeful duplicates on: Outreach would accept a second prospect with the same email, so only the connector
        // keeps it to one. A fifth of the creates are applied and then answered by a reset connection.
        options.ProspectCreation.PurposefulDuplicates = true;
        options.ProspectCreation.DroppedAnswerRate = 0.2;
        options.ProspectCreation.DroppedAnswerSeed = 21;
        await using var sandbox = await SandboxServer.StartAsync(options);
        var settings = CreateMapping(limit);
        await using var first = await StandaloneConnector.StartAsync(azurite, sandbox, settings);
        await first.ConnectAsync(sandbox);
        await using var second = await StandaloneConnector.StartAsync(azurite, sandbox, settings, isolation: first.Isolation);
        await using var third = await StandaloneConnector.StartAsync(azurite, sandbox, settings, isolation: first.Isolation);
        var drainers = new[] { first, second, third };
        var factory = new ProfileFactory();
        var random = new Random(21);

        for (var round = 0; round < 2; round++)
        {
            // Three evaluations per email in this round, each posted twice, shuffled and spread over the drainers.
            var profiles = Enumerable.Range(1, emails)
                .SelectMany(n => Enumerable.Range(0, 3).Select(k => factory.Profile(n, random, minute: (round * 10) + k, email: NewEmail(n))))
                .SelectMany(profile => new[] { profile, profile.DeepClone().AsObject() })
                .OrderBy(_ => random.Next())
                .ToList();
            await Task.WhenAll(drainers.Select((drainer, i) => PostAsync(drainer, profiles.Where((_, k) => k % drainers.Length == i).ToList())));
        }

        // Every email created once, and its prospect holds the newest values.
        var expected = new Dictionary<long, Dictionary<string, string>>();
        await Eventually.HoldsAsync(
            async () => (await sandbox.GetProspectCreationsAsync()).Count(c => c.Email.StartsWith("new", StringComparison.Ordinal)) == emails,
            async () => $"{(await sandbox.GetProspectCreationsAsync()).Count} emails created so far");
        var creations = (await sandbox.GetProspectCreationsAsync()).Where(c => c.Email.StartsWith("new", StringComparison.Ordinal)).ToList();
        Assert.All(creations, c => Assert.Equal(1, c.Created));
        foreach (var (n, fields) in factory.Expected)
        {
            expected[Assert.Single(creations, c => c.Email == NewEmail(n)).ProspectIds[0]] = fields;
        }

        await AssertSandboxHoldsAsync(sandbox, expected);
        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(0, counters.ByStatus.GetValueOrDefault("429"));
        Assert.Equal(0, counters.ProspectCreation.DuplicatesCreated);
        Assert.True(counters.ProspectCreation.AnswersDropped > 0, "the fault must have dropped some answers");
    }

    [Fact]
    public async Task A_no_prospect_answer_asked_before_the_create_was_recorded_gets_the_created_prospect_without_a_look_up()
    {
        await using var sandbox = await SandboxServer.StartAsync(DuplicatesAllowed());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, CreateMapping());
        await connector.ConnectAsync(sandbox);
        var askedBeforeTheCreate = DateTimeOffset.UtcNow;
        var prospectId = await CreateOneAsync(sandbox, connector);

        // Another drainer's look-up, sent before the create was recorded, writes its "no prospect" over the cache entry
        // the create wrote: the claim row ("created", with the id) is newer than that answer and hands the id over.
        await ForgetProspectAsync(connector, askedAt: askedBeforeTheCreate);
        var lookupsBefore = (await sandbox.GetRequestsAsync()).Count(IsLookup);

        await PipelineTests.PostAsync(connector, [Profile(NewEmail(1), "exited", minute: 2)]);

        await PipelineTests.AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>> { [prospectId] = new() { ["custom1"] = "exited" } });
        Assert.Equal(lookupsBefore, (await sandbox.GetRequestsAsync()).Count(IsLookup));
        Assert.Equal(1, Assert.Single(await sandbox.GetProspectCreationsAsync(NewEmail(1))).Created);
    }

    [Fact]
    public async Task A_no_prospect_answer_asked_after_the_create_was_recorded_looks_the_email_up_before_anything_else()
    {
        await using var sandbox = await SandboxServer.StartAsync(DuplicatesAllowed());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, CreateMapping());
        await connector.ConnectAsync(sandbox);
        var prospectId = await CreateOneAsync(sandbox, connector);

        // Asked after the create (as after a deletion): the claim row proves nothing, so the email is looked up once,
        // the prospect found there gets the update, and no second prospect is created.
        await ForgetProspectAsync(connector, askedAt: null);
        var lookupsBefore = (await sandbox.GetRequestsAsync()).Count(IsLookup);

        await PipelineTests.PostAsync(connector, [Profile(NewEmail(1), "exited", minute: 2)]);

        await PipelineTests.AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>> { [prospectId] = new() { ["custom1"] = "exited" } });
        Assert.Equal(lookupsBefore + 1, (await sandbox.GetRequestsAsync()).Count(IsLookup));
        Assert.Equal(1, Assert.Single(await sandbox.GetProspectCreationsAsync(NewEmail(1))).Created);
    }

    private static SandboxOptions DuplicatesAllowed()
    {
        var options = FastSandbox();
        options.ProspectCreation.PurposefulDuplicates = true;
        return options;
    }

    // Creates the prospect of NewEmail(1) with custom1 "realized" and waits until the connector has cached its id (so the
    // claim row says "created" too, written first).
    private static async Task<long> CreateOneAsync(SandboxServer sandbox, StandaloneConnector connector)
    {
        await PipelineTests.PostAsync(connector, [Profile(NewEmail(1), "realized", minute: 1)]);
        await Eventually.HoldsAsync(
            async () => (await sandbox.GetProspectCreationsAsync(NewEmail(1))).Count == 1,
            () => Task.FromResult("the new email's prospect was not created"));
        var prospectId = Assert.Single(await sandbox.GetProspectCreationsAsync(NewEmail(1))).ProspectIds[0];
        var cache = connector.Services.GetRequiredService<EmailProspectCache>();
        var hash = connector.Services.GetRequiredService<EmailHasher>().Hash(NewEmail(1));
        await Eventually.HoldsAsync(
            async () => (await cache.ReadAsync(hash, CancellationToken.None))?.ProspectIds is [var cached] && cached == prospectId,
            () => Task.FromResult("the created prospect was not cached"));
        await PipelineTests.AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>> { [prospectId] = new() { ["custom1"] = "realized" } });
        return prospectId;
    }

    private static Task ForgetProspectAsync(StandaloneConnector connector, DateTimeOffset? askedAt) =>
        connector.Services.GetRequiredService<EmailProspectCache>().StoreAsync(
            connector.Services.GetRequiredService<EmailHasher>().Hash(NewEmail(1)), [], askedAt, CancellationToken.None);

    private static bool IsLookup(RequestLogEntry entry) =>
        entry.Method == "GET" && Uri.UnescapeDataString(entry.Path).Contains("filter[emails]", StringComparison.Ordinal);

    private static JsonObject Profile(string email, string status, int minute) => new()
    {
        ["segmentMembership"] = new JsonObject
        {
            ["ups"] = new JsonObject
            {
                ["aaaaaaaa-1111-4000-8000-000000000001"] = new JsonObject
                {
                    ["status"] = status,
                    ["lastQualificationTime"] = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minute)
                        .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            },
        },
        ["identityMap"] = new JsonObject { ["Email"] = new JsonArray(new JsonObject { ["id"] = email }) },
    };

    [Fact]
    public async Task Sample_export_with_a_new_email_creates_the_prospect_with_the_defaults_and_a_refused_domain_is_a_reasoned_failure()
    {
        var options = FastSandbox();
        options.ProspectCreation.ExcludedEmailDomains.Add("blocked.example");
        await using var sandbox = await SandboxServer.StartAsync(options);
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, CreateMapping());
        await connector.ConnectAsync(sandbox);

        var body = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "exports", "new-email-profile.json"));
        using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
        using (var response = await connector.Client.PostAsync("/api/profiles", content))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        var factory = new ProfileFactory();
        await PostAsync(connector, [factory.Profile(1, new Random(3), minute: 1, email: "someone@blocked.example")]);

        await Eventually.HoldsAsync(
            async () => (await sandbox.GetProspectCreationsAsync("katherine.johnson@example.test")).Count == 1,
            () => Task.FromResult("the new email's prospect was not created"));
        var created = Assert.Single(await sandbox.GetProspectCreationsAsync("katherine.johnson@example.test"));
        await AssertSandboxHoldsAsync(sandbox, new Dictionary<long, Dictionary<string, string>>
        {
            [created.ProspectIds[0]] = new() { ["firstName"] = "Katherine", ["lastName"] = "Johnson", ["custom1"] = "realized", ["source"] = "Adobe Experience Platform" },
        });
        var attributes = await sandbox.GetProspectAttributesAsync(created.ProspectIds[0]);
        Assert.Equal("aep", attributes!.Value.GetProperty("tags")[0].GetString());

        // The refused domain: in the ledger under its reason, never created, never retried.
        await Eventually.HoldsAsync(
            async () => (await connector.Client.GetStringAsync(new Uri("/api/status/data", UriKind.Relative))).Contains("excluded_email_domain", StringComparison.Ordinal),
            () => Task.FromResult("the refused domain is not on the status page"));
        Assert.Empty(await sandbox.GetProspectCreationsAsync("someone@blocked.example"));
    }
}

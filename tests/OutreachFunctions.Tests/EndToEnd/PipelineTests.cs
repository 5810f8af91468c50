using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.EndToEnd;

/// <summary>
/// The whole pipeline over real loopback HTTP: AEP exports posted to the standalone connector, queued on Azurite,
/// drained by the delivery engine, PATCHed into the Outreach sandbox.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PipelineTests(AzuriteFixture azurite)
{
    /// <summary>A short rate window on both sides, so hundreds of updates flow in seconds.</summary>
    internal static SandboxOptions FastSandbox(int limit = 600) => new()
    {
        RateLimit = new RateLimitOptions { Limit = limit, Window = TimeSpan.FromSeconds(5) },
        Prospects = new ProspectOptions { SeedCount = 5000 },
        OAuth = new OAuthOptions { MintingInterval = TimeSpan.FromSeconds(1) },
    };

    internal static Dictionary<string, string?> FastDelivery(int limit = 600) => new()
    {
        ["Delivery:RequestsPerWindow"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Delivery:Window"] = "00:00:05",
        ["Delivery:SafetyMargin"] = "10",
        ["Delivery:BurstPermits"] = "10",
        ["Delivery:BackoffBase"] = "00:00:00.200",
        ["Delivery:BackoffMax"] = "00:00:02",
        ["Tokens:MintingInterval"] = "00:00:01",
    };

    internal static Task PostAsync(StandaloneConnector connector, IEnumerable<JsonObject> profiles) => PostAsync(connector.Client, profiles);

    /// <summary>Posts profiles ten per request (as AEP batches them) with a client that sends the ingest secret.</summary>
    internal static async Task PostAsync(HttpClient client, IEnumerable<JsonObject> profiles)
    {
        foreach (var chunk in profiles.Chunk(10))
        {
            using var content = new StringContent(new JsonArray([.. chunk]).ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/api/profiles", content);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        }
    }

    internal static async Task AssertSandboxHoldsAsync(SandboxServer sandbox, IReadOnlyDictionary<long, Dictionary<string, string>> expected)
    {
        var mismatches = new List<string>();
        async Task<bool> AllMatch()
        {
            mismatches.Clear();
            foreach (var (id, fields) in expected)
            {
                var attributes = await sandbox.GetProspectAttributesAsync(id);
                foreach (var (field, value) in fields)
                {
                    var actual = attributes is { } a && a.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    if (actual != value)
                    {
                        mismatches.Add($"prospect {id} {field}: expected {value}, found {actual ?? "nothing"}");
                    }
                }

                if (mismatches.Count > 0)
                {
                    return false;
                }
            }

            return true;
        }

        await Eventually.HoldsAsync(AllMatch, () => Task.FromResult(string.Join("; ", mismatches.Take(5))));
    }

    [Fact]
    public async Task Hundreds_of_profiles_end_with_exactly_the_expected_fields_in_outreach()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, FastDelivery());
        await connector.ConnectAsync(sandbox);
        var factory = new ProfileFactory();
        var random = new Random(1);

        await PostAsync(connector, Enumerable.Range(1, 300).Select(id => factory.Profile(id, random, minute: 0)));

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
        var counters = await sandbox.GetCountersAsync();
        Assert.Equal(0, counters.ByStatus.GetValueOrDefault("429"));
    }

    [Fact]
    public async Task Shuffled_and_duplicated_updates_reach_the_same_final_state()
    {
        await using var sandbox = await SandboxServer.StartAsync(FastSandbox());
        await using var connector = await StandaloneConnector.StartAsync(azurite, sandbox, FastDelivery());
        await connector.ConnectAsync(sandbox);
        var factory = new ProfileFactory();
        var random = new Random(2);

        // Three evaluations per prospect, each at its own minute; sent shuffled, a third of them twice.
        var profiles = Enumerable.Range(1, 100)
            .SelectMany(id => Enumerable.Range(0, 3).Select(version => factory.Profile(id, random, minute: version * 10 + id % 7)))
            .ToList();
        var sends = profiles.Concat(profiles.Where((_, i) => i % 3 == 0).Select(p => (JsonObject)p.DeepClone()))
            .OrderBy(_ => random.Next())
            .ToList();

        await PostAsync(connector, sends);

        await AssertSandboxHoldsAsync(sandbox, factory.Expected);
    }
}

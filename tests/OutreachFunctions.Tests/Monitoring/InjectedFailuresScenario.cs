using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Outreach.Connector.Monitoring;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Faults;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Monitoring;

/// <summary>
/// An end-to-end run with the failures the issue names: prospects Outreach does not have (404), an audience whose mapping
/// ID points to a custom field the org lacks (422 on custom3), and a forced 429 window; plus excluded and invalid profiles.
/// Every number it expects is fixed by construction.
/// </summary>
public sealed class InjectedFailuresScenario
{
    /// <summary>Audience 1 of the sample mapping (custom1).</summary>
    public const string HighIntent = "aaaaaaaa-1111-4000-8000-000000000001";

    /// <summary>Audience 2 of the sample mapping (custom2).</summary>
    public const string ChurnRisk = "bbbbbbbb-2222-4000-8000-000000000002";

    /// <summary>Audience 3 of the sample mapping (custom3), which the sandbox org lacks.</summary>
    public const string Webinar = "cccccccc-3333-4000-8000-000000000003";

    /// <summary>Personal data in every profile; it must never reach a log.</summary>
    public const string FirstNameMarker = "Zephyrine";

    /// <summary>Personal data in every profile; it must never reach a log.</summary>
    public const string LastNameMarker = "Quillfeather";

    /// <summary>Prospects 1..30 succeed: custom1 realized (odd) or exited (even), custom2 existing.</summary>
    public static readonly long[] Good = [.. Enumerable.Range(1, 30).Select(i => (long)i)];

    /// <summary>Prospects above the sandbox's seed count: 404.</summary>
    public static readonly long[] Missing = [1001, 1002, 1003, 1004];

    /// <summary>Prospects written only through audience 3: 422 on custom3.</summary>
    public static readonly long[] BadMapping = [31, 32, 33, 34, 35];

    /// <summary>The traceparent sent with the request that carries prospect 7.</summary>
    public static readonly string TraceParent = "00-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "-" + "b7ad6b7169203331" + "-01";

    /// <summary>Profiles excluded at ingest: 3 without an Outreach id, 2 with one that is not a number.</summary>
    public const int ExcludedNoIdentity = 3;

    /// <summary>Profiles with an Outreach id that is not a positive integer.</summary>
    public const int ExcludedNotInteger = 2;

    /// <summary>Invalid profiles (unknown audience status).</summary>
    public const int InvalidProfiles = 2;

    /// <summary>All profiles posted.</summary>
    public static int Received => Accepted + ExcludedNoIdentity + ExcludedNotInteger + InvalidProfiles;

    /// <summary>Profiles that become an update.</summary>
    public static int Accepted => Good.Length + Missing.Length + BadMapping.Length;

    /// <summary>The sandbox: 200 seeded prospects, custom3 missing, a fast rate window.</summary>
    public static SandboxOptions Sandbox() => new()
    {
        RateLimit = new RateLimitOptions { Limit = 600, Window = TimeSpan.FromSeconds(5) },
        Prospects = new ProspectOptions { SeedCount = 200, MissingCustomFields = [3] },
        OAuth = new OAuthOptions { MintingInterval = TimeSpan.FromSeconds(1) },
    };

    /// <summary>Delivery settings matching <see cref="Sandbox"/>.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Delivery:RequestsPerWindow"] = "600",

        // The scenario counts PATCHes against what the sandbox saw: the bulk pass (reads, bulk writes) stays out.
        ["Delivery:BulkWrites"] = "off",
        ["Delivery:PerRecordBulk"] = "off",
        ["Delivery:ReadBeforeWrite"] = "false",
        ["Delivery:ResendUnchanged"] = "true",
        ["Delivery:Window"] = "00:00:05",
        ["Delivery:SafetyMargin"] = "10",
        ["Delivery:BurstPermits"] = "10",
        ["Delivery:BackoffBase"] = "00:00:00.200",
        ["Delivery:BackoffMax"] = "00:00:02",
        ["Tokens:MintingInterval"] = "00:00:01",
    };

    /// <summary>Runs the scenario: forced 429 window, posts every profile, waits until every update is decided.</summary>
    public static async Task<ConnectorStatus> RunAsync(MonitoredConnector connector, SandboxServer sandbox)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(sandbox);
        await connector.ConnectAsync(sandbox);
        await sandbox.SetFaultsAsync(new FaultSettings { ForcedRateLimitSeconds = 2 });

        var profiles = new List<JsonObject>();
        profiles.AddRange(Good.Select(id => Profile(id.ToString(CultureInfo.InvariantCulture),
            (HighIntent, id % 2 == 1 ? "realized" : "exited"), (ChurnRisk, "existing"))));
        profiles.AddRange(Missing.Select(id => Profile(id.ToString(CultureInfo.InvariantCulture), (HighIntent, "realized"))));
        profiles.AddRange(BadMapping.Select(id => Profile(id.ToString(CultureInfo.InvariantCulture), (Webinar, "realized"))));
        profiles.AddRange(Enumerable.Range(0, ExcludedNoIdentity).Select(_ => Profile(null, (HighIntent, "realized"))));
        profiles.AddRange(Enumerable.Range(0, ExcludedNotInteger).Select(_ => Profile("not-a-number", (HighIntent, "realized"))));
        profiles.AddRange(Enumerable.Range(0, InvalidProfiles).Select(i => Profile((40 + i).ToString(CultureInfo.InvariantCulture), (HighIntent, "dancing"))));

        // Interleaved so every request of ten holds accepted profiles (AEP gets 202); prospect 7 rides with the trace.
        var order = profiles.Select((p, i) => (p, i)).OrderBy(x => x.i % 5).ThenBy(x => x.i).Select(x => x.p).ToList();
        foreach (var chunk in order.Chunk(10))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/profiles", UriKind.Relative))
            {
                Content = new StringContent(new JsonArray([.. chunk]).ToJsonString(), Encoding.UTF8, "application/json"),
            };
            if (chunk.Any(p => p["identityMap"]?["Oid"]?[0]?["id"]?.GetValue<string>() == "7"))
            {
                request.Headers.TryAddWithoutValidation("traceparent", TraceParent);
            }

            var response = await connector.Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        }

        ConnectorStatus status = null!;
        await Eventually.HoldsAsync(
            async () =>
            {
                status = await connector.GetStatusAsync();
                return status.Totals.Activated + status.Totals.Failed >= Accepted;
            },
            () => Task.FromResult($"activated {status?.Totals.Activated} + failed {status?.Totals.Failed} of {Accepted}"));
        return status;
    }

    /// <summary>The prospect PATCHes the sandbox logged, by status code.</summary>
    public static async Task<Dictionary<int, int>> SandboxPatchesAsync(SandboxServer sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var log = await sandbox.GetRequestsAsync();
        return log.Where(IsProspectPatch).GroupBy(e => e.StatusCode).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>True for a prospect PATCH.</summary>
    public static bool IsProspectPatch(RequestLogEntry entry) =>
        entry.Method == "PATCH" && entry.Path.Contains("/prospects/", StringComparison.Ordinal);

    /// <summary>A profile for the sample mapping carrying the personal-data markers.</summary>
    public static JsonObject Profile(string? outreachId, params (string AudienceId, string Status)[] memberships)
    {
        var ups = new JsonObject();
        foreach (var (audienceId, status) in memberships)
        {
            ups[audienceId] = new JsonObject { ["status"] = status, ["lastQualificationTime"] = "2025-03-01T10:00:00Z" };
        }

        var identities = new JsonObject { ["ecid"] = new JsonArray(new JsonObject { ["id"] = "ecid-" + Guid.NewGuid().ToString("N") }) };
        if (outreachId is not null)
        {
            identities["Oid"] = new JsonArray(new JsonObject { ["id"] = outreachId });
        }

        return new JsonObject
        {
            ["person"] = new JsonObject { ["name"] = new JsonObject { ["firstName"] = FirstNameMarker, ["lastName"] = LastNameMarker } },
            ["segmentMembership"] = new JsonObject { ["ups"] = ups },
            ["identityMap"] = identities,
        };
    }
}

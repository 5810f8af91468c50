using System.Globalization;
using System.Text.Json.Nodes;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;

namespace Outreach.Bench;

/// <summary>
/// What matching prospects by email costs in Outreach requests: the standalone connector drains the same workload
/// identified by Outreach id (the baseline) and by email, with one email per lookup (the default) and with several.
/// A cold phase updates prospects the connector has never seen (empty cache); a warm phase updates them again.
/// </summary>
/// <remarks>
/// The sandbox's rate limit is set far above the workload, so the figures count requests rather than pacing; the
/// counts come from the sandbox's request log (lookups are <c>GET …/prospects?filter[emails]…</c>, writes are PATCHes).
/// </remarks>
public static class EmailDeliveryBenchmark
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);
    private const int MultiValueEmailsPerLookup = 20;

    /// <summary>Runs the three variants and prints the table and a summary line.</summary>
    public static async Task RunAsync(TextWriter output, int prospects = 400)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        output.WriteLine($"Workload: {prospects} prospects updated once with an empty cache (cold), then once more (warm); one profile per update, ten per export request.");

        var baseline = await MeasureAsync(azurite, prospects, emailsPerLookup: null);
        var single = await MeasureAsync(azurite, prospects, emailsPerLookup: 1);
        var multi = await MeasureAsync(azurite, prospects, emailsPerLookup: MultiValueEmailsPerLookup);

        var table = new ResultTable(
            "Email matching: Outreach requests against the same workload identified by Outreach id",
            "system", "cold: requests per new prospect", "cold: lookups", "warm: requests per update", "warm: extra requests per update", "drained in s");
        table.Add("baseline: Outreach id in AEP", baseline.ColdPerProspect, baseline.ColdLookups, baseline.WarmPerUpdate, baseline.WarmExtraPerUpdate, baseline.Seconds);
        foreach (var (name, m) in new[] { ("email, 1 per lookup (default)", single), ($"email, {MultiValueEmailsPerLookup} per lookup (multi-value)", multi) })
        {
            table.Add(name, m.ColdPerProspect, m.ColdLookups, m.WarmPerUpdate, m.WarmExtraPerUpdate, m.Seconds);
            table.Add("  ratio to baseline", $"{m.ColdPerProspect / baseline.ColdPerProspect:0.00}x", "-", $"{m.WarmPerUpdate / baseline.WarmPerUpdate:0.00}x", "-",
                $"{m.Seconds / baseline.Seconds:0.00}x");
        }

        table.WriteTo(output);
        output.WriteLine("Requests per new prospect count every Outreach API call (lookups, reads, the write: PATCH or bulk action and its polls); extra requests per update are lookups sent while the cache was warm.");
        output.WriteLine(
            $"Summary: email matching costs {multi.ColdPerProspect:0.00} Outreach requests per new prospect with {MultiValueEmailsPerLookup} emails per lookup " +
            $"(target <= 1.1; {single.ColdPerProspect:0.00} with the default of one) and {multi.WarmExtraPerUpdate:0.000} extra requests per update " +
            $"with a warm cache (target <= 0.01).");
    }

    // emailsPerLookup null = the baseline mapping by Outreach id.
    private static async Task<Measurement> MeasureAsync(AzuriteServer azurite, int prospects, int? emailsPerLookup)
    {
        var sandboxOptions = new SandboxOptions
        {
            RateLimit = new RateLimitOptions { Limit = 1_000_000, Window = TimeSpan.FromMinutes(1) },
            Prospects = new ProspectOptions { SeedCount = 100_000, EmailFilterMultiValue = emailsPerLookup > 1 },
            OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero },
            RequestLogCapacity = 1_000_000,
        };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);
        await using var connector = await BenchConnector.StartAsync(azurite, sandbox, ConnectorSettings(emailsPerLookup));

        var started = DateTimeOffset.UtcNow;
        var before = await LastSequenceAsync(sandbox);
        await PostAsync(connector.Ingest, Enumerable.Range(1, prospects).Select(id => Profile(id, email: emailsPerLookup is not null, minute: 0)));
        await QueueQuiet.WaitAsync(connector.Queue, DrainTimeout);
        var cold = await sandbox.GetRequestsAsync(before);

        await PostAsync(connector.Ingest, Enumerable.Range(1, prospects).Select(id => Profile(id, email: emailsPerLookup is not null, minute: 10)));
        await QueueQuiet.WaitAsync(connector.Queue, DrainTimeout);
        var warm = await sandbox.GetRequestsAsync(cold.Count > 0 ? cold[^1].Sequence : before);
        var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        await connector.StopAsync();

        return new Measurement(
            (double)Outreach(cold) / prospects,
            Lookups(cold),
            (double)Outreach(warm) / prospects,
            (double)Lookups(warm) / prospects,
            seconds);
    }

    private static async Task<long> LastSequenceAsync(SandboxServer sandbox)
    {
        var log = await sandbox.GetRequestsAsync();
        return log.Count > 0 ? log[^1].Sequence : 0;
    }

    // Every Outreach API call counts (lookups, collection GETs, PATCHes, bulk actions, batch polls): all of them spend
    // the connection's budget. OAuth's token endpoint does not.
    private static int Outreach(IReadOnlyList<RequestLogEntry> log) => log.Count(e => e.Path.StartsWith("/api/v2/", StringComparison.Ordinal));

    private static int Lookups(IReadOnlyList<RequestLogEntry> log) =>
        log.Count(e => e.Method == "GET" && e.Path.Contains("filter%5Bemails%5D", StringComparison.OrdinalIgnoreCase) || e.Method == "GET" && e.Path.Contains("filter[emails]", StringComparison.OrdinalIgnoreCase));

    // The rate limit is far above the workload: the figures count requests, not pacing.
    private static Dictionary<string, string?> ConnectorSettings(int? emailsPerLookup)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Delivery:RequestsPerWindow"] = "1000000",
            ["Delivery:Window"] = "00:01:00",
            ["Delivery:PacingMode"] = "Burst",
            ["Delivery:BurstPermits"] = "10000",
        };
        if (emailsPerLookup is { } perLookup)
        {
            settings["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping-email.json");
            settings["Outreach:EmailFilterMultiValue"] = perLookup > 1 ? "true" : "false";
            settings["Outreach:MaxEmailsPerLookup"] = perLookup.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    private static JsonObject Profile(long id, bool email, int minute)
    {
        var identity = email
            ? new JsonObject { ["Email"] = new JsonArray(new JsonObject { ["id"] = string.Create(CultureInfo.InvariantCulture, $"prospect{id}@example.test") }) }
            : new JsonObject { ["Oid"] = new JsonArray(new JsonObject { ["id"] = id.ToString(CultureInfo.InvariantCulture) }) };
        return new JsonObject
        {
            ["segmentMembership"] = new JsonObject
            {
                ["ups"] = new JsonObject
                {
                    ["aaaaaaaa-1111-4000-8000-000000000001"] = new JsonObject
                    {
                        ["status"] = minute == 0 ? "realized" : "exited",
                        ["lastQualificationTime"] = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minute)
                            .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    },
                },
            },
            ["identityMap"] = identity,
        };
    }

    private static async Task PostAsync(IngestClient ingest, IEnumerable<JsonObject> profiles)
    {
        foreach (var chunk in profiles.Chunk(10))
        {
            await ingest.PostAsync(new JsonArray([.. chunk]).ToJsonString());
        }
    }

    private sealed record Measurement(double ColdPerProspect, int ColdLookups, double WarmPerUpdate, double WarmExtraPerUpdate, double Seconds);
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;

namespace Outreach.Bench;

/// <summary>
/// Delivery with one and with several drainers on one connection (standalone instances sharing the queue, tables and
/// token store): budget use, 429s, drain time, and regressions — prospects whose final value in the sandbox is not the
/// newest evaluation posted — which the per-prospect claims keep at zero however many drainers run.
/// </summary>
public static class DrainerScalingBenchmark
{
    // The sample mapping's audiences and the fields they write (see samples and the ingest mapping tests).
    private static readonly Dictionary<string, string> FieldOfAudience = new(StringComparer.Ordinal)
    {
        ["aaaaaaaa-1111-4000-8000-000000000001"] = "custom1",
        ["bbbbbbbb-2222-4000-8000-000000000002"] = "custom2",
        ["cccccccc-3333-4000-8000-000000000003"] = "custom3",
    };

    /// <summary>Runs the engine with one drainer (the baseline) and with <paramref name="drainers"/>, and prints the table.</summary>
    public static async Task RunAsync(TextWriter output, int prospects, int drainers)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var (requests, updates) = DeliveryWorkload.Build(prospects, seed: 42);
        var expected = Expected(requests);
        output.WriteLine($"Workload: {requests.Count} export requests carrying {updates} profile updates for {prospects} prospects; " +
                         $"Outreach limit {DeliveryBenchmark.Limit} requests per {DeliveryBenchmark.Window.TotalSeconds:0} s window.");

        var one = await MeasureAsync(azurite, requests, expected, 1);
        var many = await MeasureAsync(azurite, requests, expected, drainers);

        var table = new ResultTable(
            $"Delivery with 1 and {drainers} drainers on one connection (engine, Spread pacing, per-prospect claims, one PATCH per prospect)",
            "drainers", "budget used (full windows)", "429s", "backlog drained in s", "regressions");
        table.Add("1 (baseline)", DeliveryBenchmark.Share(one.BudgetUsed), one.TooManyRequests, one.DrainSeconds, one.Regressions);
        table.Add(drainers.ToString(CultureInfo.InvariantCulture), DeliveryBenchmark.Share(many.BudgetUsed), many.TooManyRequests, many.DrainSeconds, many.Regressions);
        table.Add("  ratio to baseline", $"{many.BudgetUsed / one.BudgetUsed:0.00}x", "-", $"{many.DrainSeconds / one.DrainSeconds:0.00}x", "-");
        table.WriteTo(output);
        output.WriteLine("Regressions: prospects whose final custom field in the sandbox is not the value of the newest evaluation posted.");
        output.WriteLine(
            $"Summary: {drainers} drainers used {DeliveryBenchmark.Share(many.BudgetUsed)} of the budget (1 drainer: {DeliveryBenchmark.Share(one.BudgetUsed)}) " +
            $"with {many.TooManyRequests} x 429 and {many.Regressions} regressions, drained in {many.DrainSeconds:0.0} s ({many.DrainSeconds / one.DrainSeconds:0.00}x).");
    }

    private static async Task<Measurement> MeasureAsync(AzuriteServer azurite, List<string> requests, Dictionary<(long, string), string> expected, int drainers)
    {
        var sandboxOptions = new SandboxOptions
        {
            RateLimit = new RateLimitOptions { Limit = DeliveryBenchmark.Limit, Window = DeliveryBenchmark.Window },
            Prospects = new ProspectOptions { SeedCount = 100_000 },
            OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero },
            RequestLogCapacity = 1_000_000,
        };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);
        var namePrefix = BenchConnector.NewNamePrefix();
        var tokenFolder = Directory.CreateTempSubdirectory("bench-tokens-").FullName;
        var connectors = new List<BenchConnector>();
        try
        {
            for (var i = 0; i < drainers; i++)
            {
                connectors.Add(await BenchConnector.StartAsync(azurite, sandbox, Settings(), namePrefix, tokenFolder, connect: false));
            }

            // One connection shared by every instance (same token store and tables).
            var first = connectors[0];
            await first.ConnectAsync(sandbox);
            var started = DateTimeOffset.UtcNow;
            foreach (var body in requests)
            {
                await first.Ingest.PostAsync(body);
            }

            await QueueQuiet.WaitAsync(first.Queue, DeliveryBenchmark.DrainTimeout);
            var drainSeconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
            // Every API call spends the budget (reads before the first write as well as PATCHes).
            var calls = (await ReadRequestLogAsync(sandbox)).Where(e => e.Path.StartsWith("/api/v2/", StringComparison.Ordinal)).ToList();
            return new Measurement(
                DeliveryBenchmark.BudgetUsed(calls, started),
                calls.Count(e => e.StatusCode == 429),
                drainSeconds,
                await CountRegressionsAsync(sandbox, expected));
        }
        finally
        {
            foreach (var connector in connectors)
            {
                await connector.DisposeAsync();
            }
        }
    }

    // The newest evaluation of each prospect and audience field in the workload (later qualification time wins).
    private static Dictionary<(long, string), string> Expected(List<string> requests)
    {
        var newest = new Dictionary<(long, string), (DateTimeOffset At, string Value)>();
        foreach (var profile in requests.SelectMany(r => JsonNode.Parse(r)!.AsArray()))
        {
            var id = long.Parse(profile!["identityMap"]!["Oid"]![0]!["id"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            foreach (var (audience, membership) in profile["segmentMembership"]!["ups"]!.AsObject())
            {
                var at = DateTimeOffset.Parse(membership!["lastQualificationTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                var key = (id, FieldOfAudience[audience]);
                if (!newest.TryGetValue(key, out var current) || at > current.At)
                {
                    newest[key] = (at, membership["status"]!.GetValue<string>());
                }
            }
        }

        return newest.ToDictionary(p => p.Key, p => p.Value.Value);
    }

    private static async Task<int> CountRegressionsAsync(SandboxServer sandbox, Dictionary<(long, string), string> expected)
    {
        var regressed = new HashSet<long>();
        foreach (var ((id, field), value) in expected)
        {
            var attributes = await sandbox.GetProspectAttributesAsync(id);
            var actual = attributes is { } a && a.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                regressed.Add(id);
            }
        }

        return regressed.Count;
    }

    private static async Task<List<RequestLogEntry>> ReadRequestLogAsync(SandboxServer sandbox)
    {
        var entries = new List<RequestLogEntry>();
        while (true)
        {
            var page = await sandbox.GetRequestsAsync(entries.Count == 0 ? 0 : entries[^1].Sequence);
            if (page.Count == 0)
            {
                return entries;
            }

            entries.AddRange(page);
        }
    }

    private sealed record Measurement(double BudgetUsed, int TooManyRequests, double DrainSeconds, int Regressions);

    // Bulk writes and imports off: this measures how fully several drainers keep the shared budget busy with one write
    // per prospect, which bulk actions and imports would finish in a handful of requests, inside one window (the
    // activation benchmark measures those).
    private static Dictionary<string, string?> Settings()
    {
        var settings = DeliveryBenchmark.ConnectorSettings("Spread");
        settings["Delivery:BulkWrites"] = "off";
        settings["Delivery:PerRecordBulk"] = "off";
        return settings;
    }
}

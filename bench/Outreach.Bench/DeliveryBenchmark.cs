using System.Globalization;
using Outreach.Connector.Outreach;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;

namespace Outreach.Bench;

/// <summary>
/// Delivery at the allowed rate, against the Outreach sandbox with a shortened rate window: the standalone connector
/// (delivery engine) and a naive baseline (<see cref="NaiveDrainer"/>) drain the same workload through the same ingest,
/// queue and Outreach client. Prints budget use, 429s, requests per update, latency under the limit and peak memory.
/// </summary>
public static class DeliveryBenchmark
{
    // 300 per minute (5 requests/s) is twice Outreach's real rate (10,000 per hour) and a quarter of what one drainer
    // sends against Azurite (about 20 requests/s, measured with Burst pacing), so the table measures pacing rather than
    // the drainer's own speed. The safety margin is 1 %, as in production (100 of 10,000).
    internal const int Limit = 300;
    private const int SafetyMargin = 3;
    internal static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    // At 300 requests a minute the default 600 prospects take a few minutes; a backlog still there after this is stuck.
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Runs both systems and prints the table.</summary>
    public static async Task RunAsync(TextWriter output, int prospects = 600)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var (requests, updates) = DeliveryWorkload.Build(prospects, seed: 42);
        output.WriteLine($"Workload: {requests.Count} export requests carrying {updates} profile updates for {prospects} prospects; " +
                         $"Outreach limit {Limit} requests per {Window.TotalSeconds:0} s window.");

        var naive = await MeasureAsync(azurite, requests, updates, pacing: null);
        var spread = await MeasureAsync(azurite, requests, updates, pacing: "Spread");
        var burst = await MeasureAsync(azurite, requests, updates, pacing: "Burst");

        var table = new ResultTable(
            "Delivery: engine vs naive baseline (one PATCH per message, sleep until reset on 429)",
            "system", "budget used (full windows)", "429s", "requests per update", "backlog drained in s",
            "latency p50 ms", "latency p95 ms", "peak heap MiB", "peak working set MiB");
        table.Add("naive baseline", Share(naive.BudgetUsed), naive.TooManyRequests, naive.RequestsPerUpdate, naive.DrainSeconds,
            naive.LatencyP50, naive.LatencyP95, naive.PeakHeapMiB, naive.PeakWorkingSetMiB);
        foreach (var (name, m) in new[] { ("engine, Spread pacing (default)", spread), ("engine, Burst pacing", burst) })
        {
            table.Add(name, Share(m.BudgetUsed), m.TooManyRequests, m.RequestsPerUpdate, m.DrainSeconds, m.LatencyP50, m.LatencyP95, m.PeakHeapMiB, m.PeakWorkingSetMiB);
            table.Add("  ratio to baseline", $"{m.BudgetUsed / naive.BudgetUsed:0.00}x", "-", $"{m.RequestsPerUpdate / naive.RequestsPerUpdate:0.00}x",
                $"{m.DrainSeconds / naive.DrainSeconds:0.00}x", $"{m.LatencyP50 / naive.LatencyP50:0.00}x", $"{m.LatencyP95 / naive.LatencyP95:0.00}x",
                $"{m.PeakHeapMiB / naive.PeakHeapMiB:0.00}x", $"{m.PeakWorkingSetMiB / naive.PeakWorkingSetMiB:0.00}x");
        }

        table.WriteTo(output);
        output.WriteLine("Budget used: successful requests in the windows that were full of backlog (the last, partial window excluded) / the limit.");
        output.WriteLine("Latency: from posting an export to Outreach receiving the PATCH for it, in a separate phase at 2 updates/s (under the limit).");
        output.WriteLine("Peak working set is the whole benchmark process (Azurite runs separately); the sandbox runs in the same process.");
    }

    // pacing null = the naive baseline; otherwise the engine with that Delivery:PacingMode.
    private static async Task<Measurement> MeasureAsync(AzuriteServer azurite, List<string> requests, int updates, string? pacing)
    {
        var naive = pacing is null;
        var sandboxOptions = new SandboxOptions
        {
            RateLimit = new RateLimitOptions { Limit = Limit, Window = Window },
            Prospects = new ProspectOptions { SeedCount = 100_000 },
            OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero },
            RequestLogCapacity = 1_000_000,
        };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);
        await using var connector = await BenchConnector.StartAsync(azurite, sandbox, ConnectorSettings(pacing));
        var queue = connector.Queue;

        await using var memory = new MemorySampler();
        var started = DateTimeOffset.UtcNow;
        var naiveRun = naive ? new NaiveDrainer(queue, connector.GetRequiredService<IOutreachProspectClient>()).StartAsync(DrainTimeout) : null;
        foreach (var body in requests)
        {
            await connector.Ingest.PostAsync(body);
        }

        await (naiveRun ?? QueueQuiet.WaitAsync(queue, DrainTimeout));
        var drainSeconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        var backlogLog = await sandbox.GetRequestsAsync();

        // Latency under the limit: 2 updates/s (the limit is 5 requests/s) for prospects the backlog never touched.
        var sent = new Dictionary<long, DateTimeOffset>();
        naiveRun = naive ? new NaiveDrainer(queue, connector.GetRequiredService<IOutreachProspectClient>()).StartAsync(DrainTimeout) : null;
        for (var id = 50_001L; id <= 50_040; id++)
        {
            sent[id] = DateTimeOffset.UtcNow;
            await connector.Ingest.PostAsync(Export(id));
            await Task.Delay(500);
        }

        await (naiveRun ?? QueueQuiet.WaitAsync(queue, DrainTimeout));
        var latencyLog = await sandbox.GetRequestsAsync(backlogLog.Count > 0 ? backlogLog[^1].Sequence : 0);
        var latencies = sent.Select(s => latencyLog.Where(e => e.ProspectId == s.Key && e.StatusCode == 200).Select(e => (e.Time - s.Value).TotalMilliseconds).DefaultIfEmpty(double.NaN).Min())
            .Order().ToList();
        await connector.StopAsync();

        var patches = backlogLog.Where(e => e.Method == "PATCH").ToList();
        return new Measurement(
            BudgetUsed(patches, started),
            patches.Count(e => e.StatusCode == 429),
            (double)patches.Count / updates,
            drainSeconds,
            IngestClient.Percentile(latencies, 0.50),
            IngestClient.Percentile(latencies, 0.95),
            memory.PeakHeapMiB,
            memory.PeakWorkingSetMiB);
    }

    // pacing null = the naive baseline: the connector only ingests; the benchmark's NaiveDrainer delivers.
    internal static Dictionary<string, string?> ConnectorSettings(string? pacing) => new()
    {
        ["Delivery:RequestsPerWindow"] = BenchConnector.Setting(Limit),
        ["Delivery:Window"] = BenchConnector.Setting(Window),
        ["Delivery:SafetyMargin"] = BenchConnector.Setting(SafetyMargin),
        ["Delivery:BurstPermits"] = BenchConnector.Setting(SafetyMargin),
        ["Delivery:PacingMode"] = pacing ?? "Spread",
        ["Drain:Enabled"] = pacing is null ? "false" : "true",
    };

    private static string Export(long id) => DeliveryWorkload.SingleExport(id);

    // Windows are aligned to the sandbox's fixed windows: count successful PATCHes per window that began after the
    // backlog started and ended before the last request, i.e. the windows the backlog kept full of demand.
    internal static double BudgetUsed(List<RequestLogEntry> patches, DateTimeOffset started)
    {
        if (patches.Count == 0)
        {
            return 0;
        }

        var windowTicks = Window.Ticks;
        var last = patches[^1].Time;
        var full = patches
            .Where(e => e.StatusCode == 200)
            .GroupBy(e => e.Time.UtcTicks / windowTicks)
            .Where(g => g.Key * windowTicks >= started.UtcTicks && (g.Key + 1) * windowTicks <= last.UtcTicks)
            .Select(g => g.Count())
            .ToList();
        return full.Count == 0 ? double.NaN : full.Average() / Limit;
    }

    // A workload too small to fill a whole window has no budget figure: say so instead of printing NaN.
    internal static string Share(double share) => double.IsNaN(share) ? "n/a (no full window)" : share.ToString("P1", CultureInfo.InvariantCulture);

    private sealed record Measurement(
        double BudgetUsed, int TooManyRequests, double RequestsPerUpdate, double DrainSeconds,
        double LatencyP50, double LatencyP95, double PeakHeapMiB, double PeakWorkingSetMiB);
}

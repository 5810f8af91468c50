using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Outreach;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Standalone;

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
    internal const string Secret = "bench-secret-0123456789-abcdefghijklmnop";

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
        var port = LoopbackPort.GetFree();
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        var namePrefix = "bench" + Guid.NewGuid().ToString("N")[..12];
        await using var app = BuildConnector(azurite, sandbox, baseAddress, namePrefix, pacing);
        await app.StartAsync();
        await ConnectorAuthorization.ConnectAsync(baseAddress, Secret, sandbox);
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        var queue = new QueueClient(azurite.ConnectionString, app.Configuration["Delivery:QueueName"]);

        await using var memory = new MemorySampler();
        var started = DateTimeOffset.UtcNow;
        var naiveRun = naive ? Task.Run(() => new NaiveDrainer(queue, app.Services.GetRequiredService<IOutreachProspectClient>()).RunAsync(CancellationToken.None)) : null;
        foreach (var body in requests)
        {
            await PostAsync(client, body);
        }

        await WaitUntilDrainedAsync(queue, naiveRun);
        var drainSeconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        var backlogLog = await sandbox.GetRequestsAsync();

        // Latency under the limit: 2 updates/s (the limit is 5 requests/s) for prospects the backlog never touched.
        var sent = new Dictionary<long, DateTimeOffset>();
        naiveRun = naive ? Task.Run(() => new NaiveDrainer(queue, app.Services.GetRequiredService<IOutreachProspectClient>()).RunAsync(CancellationToken.None)) : null;
        for (var id = 50_001L; id <= 50_040; id++)
        {
            sent[id] = DateTimeOffset.UtcNow;
            await PostAsync(client, Export(id));
            await Task.Delay(500);
        }

        await WaitUntilDrainedAsync(queue, naiveRun);
        var latencyLog = await sandbox.GetRequestsAsync(backlogLog.Count > 0 ? backlogLog[^1].Sequence : 0);
        var latencies = sent.Select(s => latencyLog.Where(e => e.ProspectId == s.Key && e.StatusCode == 200).Select(e => (e.Time - s.Value).TotalMilliseconds).DefaultIfEmpty(double.NaN).Min())
            .Order().ToList();
        await app.StopAsync();

        var patches = backlogLog.Where(e => e.Method == "PATCH").ToList();
        return new Measurement(
            BudgetUsed(patches, started),
            patches.Count(e => e.StatusCode == 429),
            (double)patches.Count / updates,
            drainSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            memory.PeakHeapMiB,
            memory.PeakWorkingSetMiB);
    }

    internal static WebApplication BuildConnector(
        AzuriteServer azurite, SandboxServer sandbox, Uri baseAddress, string namePrefix, string? pacing, string? tokenFolder = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(baseAddress.ToString());
        builder.Logging.ClearProviders();
        var settings = SandboxConnectorSettings.Create(
            azurite.ConnectionString, sandbox, baseAddress, Secret, tokenFolder ?? Directory.CreateTempSubdirectory("bench-tokens-").FullName, namePrefix);
        settings["Delivery:RequestsPerWindow"] = Limit.ToString(CultureInfo.InvariantCulture);
        settings["Delivery:Window"] = Window.ToString("c", CultureInfo.InvariantCulture);
        settings["Delivery:SafetyMargin"] = SafetyMargin.ToString(CultureInfo.InvariantCulture);
        settings["Delivery:BurstPermits"] = SafetyMargin.ToString(CultureInfo.InvariantCulture);
        settings["Delivery:PacingMode"] = pacing ?? "Spread";
        settings["Drain:Enabled"] = pacing is null ? "false" : "true";
        settings["Drain:IdlePollInterval"] = "00:00:00.050";
        settings["Drain:MaxIdlePollInterval"] = "00:00:00.200";
        settings["Tokens:MintingInterval"] = "00:00:00";
        settings["Monitoring:Exporter"] = "None";
        builder.Configuration.AddInMemoryCollection(settings);
        return StandaloneApp.Build(builder);
    }

    internal static async Task PostAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/profiles", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string Export(long id) => DeliveryWorkload.SingleExport(id);

    // Drained = the queue is empty and, for the naive drainer, its loop has ended; the engine is given the same
    // one-second quiet period the naive drainer uses before it stops.
    internal static async Task WaitUntilDrainedAsync(QueueClient queue, Task? naiveRun)
    {
        if (naiveRun is not null)
        {
            await naiveRun;
            return;
        }

        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(1))
        {
            var properties = await queue.GetPropertiesAsync();
            if (properties.Value.ApproximateMessagesCount > 0)
            {
                quietSince = DateTime.UtcNow;
            }

            await Task.Delay(100);
        }
    }

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

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed record Measurement(
        double BudgetUsed, int TooManyRequests, double RequestsPerUpdate, double DrainSeconds,
        double LatencyP50, double LatencyP95, double PeakHeapMiB, double PeakWorkingSetMiB);
}

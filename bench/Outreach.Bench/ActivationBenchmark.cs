using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Outreach;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Standalone;

namespace Outreach.Bench;

/// <summary>
/// "Hours until my audience is in Outreach": an audience activation (<see cref="ActivationWorkload"/>) delivered by four
/// systems side by side, each against a fresh sandbox: one PATCH per profile export (what Adobe's own Outreach
/// destination does), and this connector with bulk writes off, on, and on while the sandbox charges one request per
/// bulk item. Prints Outreach requests, prospects per request, hours at Outreach's real limit, 429s, the final state
/// against the expected one, and the unfiltered bulk calls the sandbox counted (must be 0).
/// </summary>
public static class ActivationBenchmark
{
    private const int OutreachRequestsPerHour = 10_000;

    // Outreach's hour shortened to a minute: the same 10,000 requests per window, so a system that would need hours
    // at the real limit meets the window here too, and the budget's pacing (0 429s) is exercised.
    private const int Limit = 10_000;
    private const int SafetyMargin = 100;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private const string Secret = "bench-secret-0123456789-abcdefghijklmnop";
    private const int Seed = 20261129;

    /// <summary>Runs the four systems and prints the table; the last line compares bulk on with one PATCH per profile.</summary>
    public static async Task RunAsync(TextWriter output, bool quick)
    {
        ArgumentNullException.ThrowIfNull(output);
        var prospects = quick ? 5_000 : 20_000;
        var workload = ActivationWorkload.Build(prospects, Seed, SeededFirstName, id => "Sandbox" + id.ToString(CultureInfo.InvariantCulture));
        var phases = string.Join(", ", workload.Phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Profiles}")));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Workload (seed {Seed}): {prospects} prospects, {workload.ProfileExports} profile exports in {workload.Phases.Sum(p => p.Requests.Count)} AEP requests: {phases}. Sandbox limit {Limit} requests per {Window.TotalSeconds:0} s window."));
        await using var azurite = await AzuriteServer.StartAsync();

        var systems = new (string Name, string? BulkWrites, BulkRateLimitCost Cost)[]
        {
            ("(a) one PATCH per profile export", null, BulkRateLimitCost.PerCall),
            ("(b) connector, bulk writes off", "off", BulkRateLimitCost.PerCall),
            ("(c) connector, bulk writes on", "on", BulkRateLimitCost.PerCall),
            ("(d) bulk on, sandbox charges per item", "on", BulkRateLimitCost.PerItem),
        };
        var results = new List<(string Name, Measurement M)>();
        foreach (var (name, bulk, cost) in systems)
        {
            results.Add((name, await MeasureAsync(azurite, workload, bulk, cost)));
        }

        var table = new ResultTable(
            "Activation: requests to bring an audience into Outreach",
            "system", "Outreach requests", "prospects in sync per request", "hours at 10,000/h", "wall time s", "429s", "mismatches", "regressions", "unfiltered bulk calls");
        foreach (var (name, m) in results)
        {
            table.Add(name, m.Requests, (double)workload.ProfileExports / Math.Max(1, m.Requests), (double)m.ChargedRequests / OutreachRequestsPerHour,
                m.WallSeconds, m.TooManyRequests, m.Mismatches, m.Regressions, m.Unfiltered);
        }

        table.WriteTo(output);
        output.WriteLine("Outreach requests: API calls the sandbox received with the connection's token (PATCHes, collection GETs, bulk actions, batch polls).");
        output.WriteLine("Hours at 10,000/h: requests as Outreach's rate limit counts them (a bulk action charged per item in (d)) / 10,000.");
        output.WriteLine("Mismatches: fields whose final value in the sandbox differs from the newest exported one; regressions: those holding an older exported value.");
        var baseline = results[0].M;
        var bulkOn = results[2].M;
        var ours = results.Skip(1).Select(r => r.M).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"activation: {(double)baseline.Requests / Math.Max(1, bulkOn.Requests):0.0}x fewer Outreach requests than one PATCH per profile; 429s: {ours.Sum(m => m.TooManyRequests)}; mismatches: {ours.Sum(m => m.Mismatches)}"));
    }

    // The first names the sandbox seeds (src/Outreach.Sandbox, ProspectStore); checked against the sandbox before use.
    private static readonly string[] SandboxFirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];

    private static string SeededFirstName(long id) => SandboxFirstNames[(id - 1) % SandboxFirstNames.Length];

    private static async Task<Measurement> MeasureAsync(AzuriteServer azurite, ActivationWorkload workload, string? bulkWrites, BulkRateLimitCost cost)
    {
        var sandboxOptions = new SandboxOptions
        {
            RateLimit = new RateLimitOptions { Limit = Limit, Window = Window },
            Prospects = new ProspectOptions { SeedCount = workload.Prospects },
            Bulk = new BulkOptions { ItemsPerSecond = 20_000, RateLimitCost = cost },
            OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero },
            RequestLogCapacity = 1_000,
        };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);
        await CheckSeededNamesAsync(sandbox);
        var baseAddress = SandboxConnectorSettings.LoopbackBase(LoopbackPort.GetFree());
        var namePrefix = "act" + Guid.NewGuid().ToString("N")[..12];
        await using var app = BuildConnector(azurite, sandbox, baseAddress, namePrefix, bulkWrites);
        await app.StartAsync();
        await ConnectorAuthorization.ConnectAsync(baseAddress, Secret, sandbox);
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        var queue = new QueueClient(azurite.ConnectionString, app.Configuration["Delivery:QueueName"]);
        var before = await sandbox.GetCountersAsync();

        var clock = Stopwatch.StartNew();
        foreach (var phase in workload.Phases)
        {
            // Each phase is delivered before the next begins, as a day passes between AEP's evaluations.
            var naive = bulkWrites is null
                ? Task.Run(() => new NaiveDrainer(queue, app.Services.GetRequiredService<IOutreachProspectClient>()).RunAsync(CancellationToken.None))
                : null;
            await Parallel.ForEachAsync(phase.Requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (body, ct) => await PostAsync(client, body, ct));
            await WaitUntilDrainedAsync(queue, naive);
        }

        var wall = clock.Elapsed.TotalSeconds;
        await app.StopAsync();
        var counters = await sandbox.GetCountersAsync();
        var (mismatches, regressions) = await CompareAsync(sandbox, workload);
        var requests = counters.Users.Sum(u => u.Requests) - before.Users.Sum(u => u.Requests);
        var charged = counters.RateLimitWindows.Sum(w => (long)w.Requests) - before.RateLimitWindows.Sum(w => (long)w.Requests);
        return new Measurement(
            requests,
            charged,
            wall,
            counters.ByStatus.GetValueOrDefault("429"),
            mismatches,
            regressions,
            counters.Bulk.Unfiltered);
    }

    private static WebApplication BuildConnector(AzuriteServer azurite, SandboxServer sandbox, Uri baseAddress, string namePrefix, string? bulkWrites)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(baseAddress.ToString());
        builder.Logging.ClearProviders();
        var settings = SandboxConnectorSettings.Create(
            azurite.ConnectionString, sandbox, baseAddress, Secret, Directory.CreateTempSubdirectory("bench-tokens-").FullName, namePrefix);
        settings["Delivery:RequestsPerWindow"] = Limit.ToString(CultureInfo.InvariantCulture);
        settings["Delivery:Window"] = Window.ToString("c", CultureInfo.InvariantCulture);
        settings["Delivery:SafetyMargin"] = SafetyMargin.ToString(CultureInfo.InvariantCulture);
        settings["Delivery:BurstPermits"] = SafetyMargin.ToString(CultureInfo.InvariantCulture);
        settings["Delivery:BatchSize"] = "1000";
        settings["Delivery:BulkWrites"] = bulkWrites ?? "off";
        settings["Delivery:BulkPollInterval"] = "00:00:00.200";
        settings["Drain:Enabled"] = bulkWrites is null ? "false" : "true";
        settings["Drain:IdlePollInterval"] = "00:00:00.050";
        settings["Drain:MaxIdlePollInterval"] = "00:00:00.200";
        settings["Tokens:MintingInterval"] = "00:00:00";
        settings["Monitoring:Exporter"] = "None";
        builder.Configuration.AddInMemoryCollection(settings);
        return StandaloneApp.Build(builder);
    }

    // The workload assumes the sandbox's seeded names; a sandbox that seeds others would make every name a change.
    private static async Task CheckSeededNamesAsync(SandboxServer sandbox)
    {
        foreach (var id in new long[] { 1, 7, 10, 13 })
        {
            var attributes = await sandbox.GetProspectAttributesAsync(id) ?? throw new InvalidOperationException($"The sandbox has no prospect {id}.");
            var first = attributes.GetProperty("firstName").GetString();
            if (first != SeededFirstName(id))
            {
                throw new InvalidOperationException($"The sandbox seeds prospect {id} as '{first}', not '{SeededFirstName(id)}': update the benchmark's seeded names.");
            }
        }
    }

    private static async Task<(int Mismatches, int Regressions)> CompareAsync(SandboxServer sandbox, ActivationWorkload workload)
    {
        int mismatches = 0, regressions = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, workload.Prospects), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var attributes = await sandbox.GetProspectAttributesAsync(i, ct);
            var held = ActivationWorkload.Fields.ToDictionary(
                f => f,
                f => attributes is { } a && a.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null,
                StringComparer.Ordinal);
            var (m, r) = workload.Compare(i, held);
            Interlocked.Add(ref mismatches, m);
            Interlocked.Add(ref regressions, r);
        });
        return (mismatches, regressions);
    }

    private static async Task PostAsync(HttpClient client, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/profiles", UriKind.Relative), content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    // Drained = the queue is empty (invisible, deferred messages count too) for a second; the naive drainer stops itself.
    private static async Task WaitUntilDrainedAsync(QueueClient queue, Task? naive)
    {
        if (naive is not null)
        {
            await naive;
            return;
        }

        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(1))
        {
            if ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                quietSince = DateTime.UtcNow;
            }

            await Task.Delay(100);
        }
    }

    private sealed record Measurement(long Requests, long ChargedRequests, double WallSeconds, long TooManyRequests, int Mismatches, int Regressions, long Unfiltered);
}

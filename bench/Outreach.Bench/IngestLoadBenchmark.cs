using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Standalone;

namespace Outreach.Bench;

/// <summary>
/// Ingest answer times under load over loopback HTTP: 1,000 exports of 10 valid profiles posted 8 at a time to the
/// standalone connector while its drain delivers to the Outreach sandbox, side by side with a baseline endpoint in the
/// same process that only reads the body and answers 202. Prints p50/p99/max and throughput for both.
/// </summary>
/// <remarks>AEP allows 2 s per answer (docs/reference/aep.md); the target is p99 at most 250 ms at this load.</remarks>
public static class IngestLoadBenchmark
{
    private const int Exports = 1000;
    private const int ProfilesPerExport = 10;
    private const int Concurrency = 8;
    private const int WarmUp = 50;
    private const double TargetP99Ms = 250;
    private const string Secret = "bench-secret-0123456789-abcdefghijklmnop";

    /// <summary>Runs the baseline and the connector and prints the table and a one-line summary.</summary>
    public static async Task RunAsync(TextWriter output)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            RateLimit = new RateLimitOptions { Limit = 1_000_000, Window = TimeSpan.FromMinutes(1) },
            Prospects = new ProspectOptions { SeedCount = Exports * ProfilesPerExport + 100 },
            OAuth = new OAuthOptions { MintingInterval = TimeSpan.Zero },
        });
        var bodies = Enumerable.Range(0, Exports).Select(Export).ToList();

        await using var baseline = await StartBaselineAsync();
        var connectorBase = SandboxConnectorSettings.LoopbackBase(LoopbackPort.GetFree());
        await using var connector = BuildConnector(azurite, sandbox, connectorBase);
        await connector.StartAsync();
        await ConnectorAuthorization.ConnectAsync(connectorBase, Secret, sandbox);

        var baselineRun = await MeasureAsync(new Uri(baseline.Urls.First() + "/baseline"), bodies);
        var connectorRun = await MeasureAsync(new Uri(connectorBase, IngestEndpoint.Route), bodies);
        await connector.StopAsync();

        var table = new ResultTable(
            $"Ingest under load: {Exports} exports of {ProfilesPerExport} valid profiles, {Concurrency} at a time, drain running",
            "endpoint", "answered", "non-2xx", "p50 ms", "p99 ms", "max ms", "exports/s");
        table.Add("baseline (reads the body, answers 202)", baselineRun.Answered, baselineRun.Failed, baselineRun.P50, baselineRun.P99, baselineRun.Max, baselineRun.Throughput);
        table.Add("connector POST /api/profiles", connectorRun.Answered, connectorRun.Failed, connectorRun.P50, connectorRun.P99, connectorRun.Max, connectorRun.Throughput);
        table.Add("  ratio to baseline", "-", "-", Ratio(connectorRun.P50, baselineRun.P50), Ratio(connectorRun.P99, baselineRun.P99),
            Ratio(connectorRun.Max, baselineRun.Max), Ratio(connectorRun.Throughput, baselineRun.Throughput));
        table.WriteTo(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest-load: connector p99 {connectorRun.P99:0} ms (target <= {TargetP99Ms:0} ms: {(connectorRun.P99 <= TargetP99Ms && connectorRun.Failed == 0 ? "met" : "NOT met")}), " +
            $"p50 {connectorRun.P50:0} ms, {connectorRun.Throughput:0} exports/s; baseline p99 {baselineRun.P99:0} ms, {baselineRun.Throughput:0} exports/s."));
    }

    private static string Ratio(double value, double baseline) => string.Create(CultureInfo.InvariantCulture, $"{value / baseline:0.00}x");

    private static async Task<Measurement> MeasureAsync(Uri target, List<string> bodies)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        for (var i = 0; i < WarmUp; i++)
        {
            await PostAsync(client, target, bodies[i]);
        }

        var latencies = new double[bodies.Count];
        var failed = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await PostAsync(client, target, bodies[i]);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!ok)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Measurement(bodies.Count, failed, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1], bodies.Count / seconds);
    }

    private static async Task<bool> PostAsync(HttpClient client, Uri target, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(target, content);
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    // Ten valid profiles for ten different prospects, each in a mapped audience and with mapped attributes.
    private static string Export(int export)
    {
        var profiles = Enumerable.Range(1, ProfilesPerExport).Select(i =>
        {
            var id = (export * ProfilesPerExport) + i;
            return string.Create(CultureInfo.InvariantCulture,
                $$$$"""{"person":{"name":{"firstName":"F{{{{id}}}}","lastName":"L{{{{id}}}}"}},"segmentMembership":{"ups":{"aaaaaaaa-1111-4000-8000-000000000001":{"status":"realized","lastQualificationTime":"2025-03-02T10:15:00Z"}}},"identityMap":{"oid":[{"id":"{{{{id}}}}"}]}}""");
        });
        return "[" + string.Join(",", profiles) + "]";
    }

    // The floor: Kestrel, routing and reading the body, nothing else.
    private static async Task<WebApplication> StartBaselineAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(SandboxConnectorSettings.LoopbackBase(LoopbackPort.GetFree()).ToString());
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var answer = """{"accepted":10,"excluded":0,"invalid":0,"excludedProfiles":[],"invalidProfiles":[]}"""u8.ToArray();
        app.MapPost("/baseline", async (HttpContext context) =>
        {
            var buffer = new byte[64 * 1024];
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }

    private static WebApplication BuildConnector(AzuriteServer azurite, SandboxServer sandbox, Uri baseAddress)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(baseAddress.ToString());
        builder.Logging.ClearProviders();
        var settings = SandboxConnectorSettings.Create(
            azurite.ConnectionString, sandbox, baseAddress, Secret, Directory.CreateTempSubdirectory("bench-tokens-").FullName,
            "load" + Guid.NewGuid().ToString("N")[..12]);
        settings["Drain:Enabled"] = "true";
        settings["Tokens:MintingInterval"] = "00:00:00";
        settings["Monitoring:Exporter"] = "None";
        builder.Configuration.AddInMemoryCollection(settings);
        return StandaloneApp.Build(builder);
    }

    private sealed record Measurement(int Answered, int Failed, double P50, double P99, double Max, double Throughput);
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Connector.Aep;
using Outreach.Connector.Ingest;
using Outreach.Connector.Mapping;
using Outreach.Testing;

namespace Outreach.Bench;

/// <summary>
/// Ingest hot path: read + translate AEP exports on one thread (one core). The baseline is parsing the same body
/// into a JsonDocument and nothing else, measured in the same run: the ratio shows what translation costs on top
/// of the unavoidable JSON parse.
/// </summary>
public static class IngestBenchmark
{
    private static readonly TimeSpan MeasureFor = TimeSpan.FromSeconds(2);

    /// <summary>Runs the benchmark and prints its table.</summary>
    public static void Run(TextWriter output)
    {
        var samples = Path.Combine(RepositoryRoot.Path, "samples");
        var mapping = new DestinationMapping();
        MappingServiceCollectionExtensions.LoadFile(Path.Combine(samples, "mapping.json"), mapping);
        var translator = new ExportTranslator(
            new AepExportReader(Options.Create(new AepReaderOptions())),
            new ProfileTranslator(CompiledMapping.Compile(mapping)));
        var single = File.ReadAllBytes(Path.Combine(samples, "exports", "single-profile.json"));
        var batch = File.ReadAllBytes(Path.Combine(samples, "exports", "batch-of-ten.json"));

        var baseline = Measure("baseline: JsonDocument.Parse only (10-profile batch)", batch, 10, body =>
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.GetArrayLength();
        });
        var rows = new[]
        {
            baseline,
            Measure("read + translate: sample export (1 profile)", single, 1, body => translator.Translate(body, DateTimeOffset.UtcNow).AcceptedCount),
            Measure("read + translate: 10-profile batch", batch, 10, body => translator.Translate(body, DateTimeOffset.UtcNow).AcceptedCount),
        };

        var table = new ResultTable(
            $"Ingest read + translate, one thread ({Environment.ProcessorCount} cores on the machine, {RuntimeInfo()})",
            "case", "profiles/s", "µs/request", "bytes allocated/profile", "throughput vs baseline");
        foreach (var row in rows)
        {
            table.Add(row.Name, row.ProfilesPerSecond, row.MicrosecondsPerRequest, row.AllocatedBytesPerProfile, $"{row.ProfilesPerSecond / baseline.ProfilesPerSecond:0.00}x");
        }

        table.WriteTo(output);
    }

    private static Measurement Measure(string name, byte[] body, int profilesPerRequest, Func<byte[], int> work)
    {
        // Warm up until tiered compilation has settled on optimized code.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < TimeSpan.FromSeconds(1))
        {
            work(body);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long requests = 0;
        var checksum = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < MeasureFor)
        {
            for (var i = 0; i < 256; i++)
            {
                checksum += work(body);
            }

            requests += 256;
        }

        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (checksum == 0)
        {
            throw new InvalidOperationException($"{name}: the work produced nothing; the benchmark would measure an empty loop.");
        }

        var profiles = requests * profilesPerRequest;
        return new Measurement(
            name,
            profiles / clock.Elapsed.TotalSeconds,
            clock.Elapsed.TotalMicroseconds / requests,
            (double)allocated / profiles);
    }

    private static string RuntimeInfo() => $".NET {Environment.Version}";

    private sealed record Measurement(string Name, double ProfilesPerSecond, double MicrosecondsPerRequest, double AllocatedBytesPerProfile);
}

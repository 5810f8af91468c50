using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Outreach.Testing;

namespace Outreach.Bench;

/// <summary>
/// Start-up of the packaged custom handler (artifacts/functionapp from <c>bash eng/package.sh</c>), launched the way the
/// Functions host launches it: a new process in the app root with FUNCTIONS_CUSTOMHANDLER_PORT, polled with
/// <c>GET /</c> until it answers. The baseline is the same executable exiting at once on a missing setting (process and
/// runtime start, configuration read), measured in the same run. The host waits up to its initialization timeout
/// (30 s on Flex Consumption) for the first answer; AEP waits 2 s for ingest.
/// </summary>
public static class HandlerStartupBenchmark
{
    private const int Runs = 10;
    private static readonly TimeSpan FlexInitializationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the benchmark and prints its table; says what to do when the package is missing.</summary>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var appRoot = Path.Combine(RepositoryRoot.Path, "artifacts", "functionapp");
        var executable = Path.Combine(appRoot, "handler", "OutreachFunctions");
        if (!File.Exists(executable))
        {
            output.WriteLine($"Handler start-up: {executable} not found; run `bash eng/package.sh` first.");
            return;
        }

        var envelope = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "OutreachFunctions.Tests", "Functions", "Golden", "Ingest", "single-profile.request.json"));
        var baseline = new List<double>();
        var ready = new List<double>();
        var firstIngest = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            baseline.Add(ExitOnMissingSetting(executable, appRoot));
            var (readyMs, ingestMs) = StartAndIngest(executable, appRoot, envelope);
            ready.Add(readyMs);
            firstIngest.Add(ingestMs);
        }

        var table = new ResultTable(
            $"Packaged handler start-up, {Runs} runs each ({Environment.ProcessorCount} cores on the machine, self-contained linux-x64)",
            "case", "median ms", "min ms", "max ms", "median vs baseline", "share of Flex 30 s init timeout");
        Add(table, "baseline: start and exit on a missing setting", baseline, Median(baseline));
        Add(table, "Functions mode: first answer to GET / (host readiness)", ready, Median(baseline));
        Add(table, "first POST /Ingest after ready (1 profile, cold JIT, queue refused: 503 after 2 client retries)", firstIngest, Median(baseline));
        table.WriteTo(output);
    }

    private static void Add(ResultTable table, string name, List<double> values, double baseline) =>
        table.Add(name, Median(values), values.Min(), values.Max(), $"{Median(values) / baseline:0.00}x", $"{Median(values) / FlexInitializationTimeout.TotalMilliseconds:P1}");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static ProcessStartInfo StartInfo(string executable, string appRoot, int? port)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = appRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Connector__Mode"] = "Functions";
        start.Environment["Mapping__File"] = "mapping.json";
        start.Environment["Delivery__QueueName"] = "prospect-updates";
        // No broker runs here and nothing may leave the machine: the emulator's form of the connection at a loopback
        // port nobody listens on, so Ingest's send is refused at once (after the client's two retries) and answers 503.
        start.Environment["ServiceBusConnection"] = $"Endpoint=sb://127.0.0.1:{LoopbackPort.GetFree()};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";
        start.Environment["ConnectorStorage__accountName"] = "stbench";
        start.Environment["Tokens__Store"] = "KeyVault";
        start.Environment["Tokens__KeyVaultUri"] = "https://kv-bench.vault.azure.net/";
        start.Environment["Outreach__ClientId"] = "bench-client";
        start.Environment["Outreach__ClientSecret"] = "bench-placeholder";
        start.Environment["Outreach__RedirectUri"] = "https://func-bench.azurewebsites.net/api/oauth/callback";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment.Remove("FUNCTIONS_CUSTOMHANDLER_PORT");
        start.Environment.Remove("FUNCTIONS_HTTPWORKER_PORT");
        if (port is { } p)
        {
            start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = p.ToString(CultureInfo.InvariantCulture);
        }

        return start;
    }

    private static double ExitOnMissingSetting(string executable, string appRoot)
    {
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(executable, appRoot, port: null))!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    private static (double Ready, double FirstIngest) StartAndIngest(string executable, string appRoot, string envelope)
    {
        var port = LoopbackPort.GetFree();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(executable, appRoot, port))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Polls every 5 ms (the host polls every 25 ms) so the figure is not rounded up to the host's period.
            while (true)
            {
                try
                {
                    using var response = client.GetAsync("/").GetAwaiter().GetResult();
                    break;
                }
                catch (HttpRequestException) when (!process.HasExited && stopwatch.Elapsed < FlexInitializationTimeout)
                {
                    Thread.Sleep(5);
                }
            }

            var ready = stopwatch.Elapsed.TotalMilliseconds;
            var ingest = Stopwatch.StartNew();
            using var content = new StringContent(envelope, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var answer = client.PostAsync("/Ingest", content).GetAwaiter().GetResult();
            answer.EnsureSuccessStatusCode();
            return (ready, ingest.Elapsed.TotalMilliseconds);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}

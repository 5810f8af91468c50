using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Outreach.Testing;
using OutreachFunctions.Functions;
using OutreachFunctions.Functions.Ingest;
using OutreachFunctions.Functions.Monitoring;
using OutreachFunctions.Functions.Status;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OutreachFunctions.Tests.Functions;

// The Functions host turns every line the handler prints into a host log entry of its own, so a log entry must be one
// line and an invocation must print little. These run the built handler the way the host starts it: its own process,
// the working directory an app root that is NOT the handler's folder (the package puts the handler in handler/), the
// host's environment variables, and envelopes POSTed to /{Function}. Each scenario counts the lines printed between
// start-up (the "Content root path" entry) and shutdown (SIGTERM, "Application is shutting down"), divided by the
// number of invocations, and prints a table:
//   dotnet test tests/OutreachFunctions.Tests -c Release --no-build --filter "FullyQualifiedName~HandlerStdoutTests" --logger "console;verbosity=detailed"
[Collection(AzuriteCollection.Name)]
public sealed class HandlerStdoutTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Invocations = 5;

    // Port 9 on loopback: nothing listens, so every storage call is refused.
    private const string UnreachableStorage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    [Fact]
    public async Task Health_prints_at_most_one_line_per_invocation()
    {
        var measured = await MeasureAsync(MonitoringFunctions.Health, HostEnvelope.HttpGet("/api/health", methodName: MonitoringFunctions.Health), reachableStorage: true);

        Assert.True(measured.LinesPerInvocation <= 1, measured.Describe());
    }

    [Fact]
    public async Task Ingest_that_answers_without_the_queue_prints_at_most_one_line_per_invocation()
    {
        // No broker runs here, so the success path measured is an export Ingest answers without a send (422, nothing
        // usable); a send that succeeds prints nothing of its own either (its line is the invocation's Logs, not stdout).
        var measured = await MeasureAsync(IngestFunction.Name, Golden.Read("Ingest", "no-usable-profile.request.json"), reachableStorage: true);

        Assert.Equal(422, measured.ResponseStatus);
        Assert.True(measured.LinesPerInvocation <= 1, measured.Describe());
    }

    [Fact]
    public async Task Ingest_with_the_queue_down_prints_at_most_two_lines_per_invocation()
    {
        var measured = await MeasureAsync(IngestFunction.Name, Golden.Read("Ingest", "single-profile.request.json"), reachableStorage: true);

        Assert.Equal(503, measured.ResponseStatus);
        Assert.True(measured.LinesPerInvocation <= 2, measured.Describe());
        Assert.DoesNotContain(measured.Lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_with_storage_down_prints_at_most_two_lines_per_invocation()
    {
        var measured = await MeasureAsync(StatusFunction.Name, Golden.Read("Http", "status.request.json"), reachableStorage: false);

        Assert.Equal(200, measured.ResponseStatus);
        Assert.True(measured.LinesPerInvocation <= 2, measured.Describe());
        Assert.DoesNotContain(measured.Lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Misconfigured_ingest_prints_at_most_two_lines_per_invocation()
    {
        var measured = await MeasureAsync(
            IngestFunction.Name,
            Golden.Read("Ingest", "single-profile.request.json"),
            reachableStorage: true,
            new Dictionary<string, string?> { ["Tokens:KeepAliveAge"] = "00:00:30", ["Delivery:MaxAttempts"] = "0" });

        Assert.Equal(503, measured.ResponseStatus);
        Assert.True(measured.LinesPerInvocation <= 2, measured.Describe());
    }

    private async Task<Measurement> MeasureAsync(string function, string envelope, bool reachableStorage, IDictionary<string, string?>? extra = null)
    {
        var appRoot = Directory.CreateTempSubdirectory("approot-");
        var tokens = Directory.CreateTempSubdirectory("tokens-");
        var port = LoopbackPort.GetFree();
        var start = new ProcessStartInfo("dotnet")
        {
            // The host starts the handler in the app root (host.json workingDirectory ""), not in the handler's folder.
            WorkingDirectory = appRoot.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OutreachFunctions.dll"));
        // Not in Azure (the local token store is refused there), whatever machine runs the tests.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || k is "CONTAINER_NAME" or "WEBSITE_INSTANCE_ID" or "WEBSITE_SITE_NAME" or "CONTAINER_APP_NAME").ToList())
        {
            start.Environment.Remove(key);
        }

        var storage = reachableStorage ? FunctionsHandler.AzuriteSettings(azurite) : new Dictionary<string, string?> { ["ConnectorStorage"] = UnreachableStorage };
        var settings = new Dictionary<string, string?>(storage)
        {
            // What the host gives the handler (docs/reference/functions-host.md §1), then the app settings.
            [HandlerPort.SettingName] = port.ToString(CultureInfo.InvariantCulture),
            ["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = Guid.NewGuid().ToString(),
            ["FUNCTIONS_APP_ROOT_PATH"] = appRoot.FullName,
            ["FUNCTIONS_WORKER_RUNTIME"] = "custom",
            ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
            ["Delivery:QueueName"] = "prospect-updates",
            // The emulator's form of the connection at a loopback port nobody listens on: sends are refused.
            ["ServiceBusConnection"] = $"Endpoint=sb://127.0.0.1:{LoopbackPort.GetFree()};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
            ["Tokens:Store"] = "Local",
            ["Tokens:LocalStorePath"] = tokens.FullName,
            ["Outreach:ApiBaseUrl"] = "http://127.0.0.1:9/api/v2/",
            ["Outreach:AuthorizeUrl"] = "http://127.0.0.1:9/oauth/authorize",
            ["Outreach:TokenUrl"] = "http://127.0.0.1:9/oauth/token",
            ["Outreach:ClientId"] = "test-client",
            ["Outreach:ClientSecret"] = "test-secret",
            ["Outreach:RedirectUri"] = "https://func-test.azurewebsites.net/api/oauth/callback",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var stdout = new List<string>();
        var stderr = new List<string>();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The handler did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lock (stdout) { stdout.Add(line); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lock (stderr) { stderr.Add(line); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var status = 0;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            await LoopbackPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => !process.HasExited, () => Printed(stdout, stderr));
            // A guard, not a measurement: start-up's last entry is printed before any invocation is counted.
            await WaitForAsync(() => IndexOf(stdout, StartupMarker) >= 0, process, stdout, stderr);
            for (var i = 0; i < Invocations; i++)
            {
                using var content = new StringContent(envelope, Encoding.UTF8, "application/json");
                content.Headers.Add(FunctionsHeaders.InvocationId, Guid.NewGuid().ToString());
                using var response = await client.PostAsync("/" + function, content);
                var answer = await HostAnswer.ReadAsync(response);
                Assert.Equal(HttpStatusCode.OK, answer.Status);
                status = answer.ResponseStatus;
            }
        }
        finally
        {
            await StopLikeTheHostAsync(process);
        }

        List<string> lines;
        lock (stdout)
        {
            var from = IndexOf(stdout, StartupMarker);
            var to = stdout.FindLastIndex(line => line.Contains(ShutdownMarker, StringComparison.Ordinal));
            Assert.True(from >= 0 && to > from, "start-up or shutdown entry not found:\n" + Printed(stdout, stderr));
            // In the two-line format the shutdown entry's level and category come on the line before its message.
            if (to - 1 > from && stdout[to - 1].TrimStart().StartsWith("info: Microsoft.Hosting.Lifetime", StringComparison.Ordinal))
            {
                to--;
            }

            lines = stdout[(from + 1)..to];
        }

        lock (stderr)
        {
            lines.AddRange(stderr);
        }

        var measured = new Measurement(function, status, lines, (double)lines.Count / Invocations);
        output.WriteLine("| invocation | answer | stdout+stderr lines per invocation |");
        output.WriteLine("|---|---|---|");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {function} | {status} | {measured.LinesPerInvocation:0.#} |"));
        output.WriteLine("");
        output.WriteLine(string.Join('\n', lines.Take(40)));
        appRoot.Delete(recursive: true);
        tokens.Delete(recursive: true);
        return measured;
    }

    private const string StartupMarker = "Content root path";
    private const string ShutdownMarker = "Application is shutting down";

    private static int IndexOf(List<string> lines, string marker)
    {
        lock (lines)
        {
            return lines.FindIndex(line => line.Contains(marker, StringComparison.Ordinal));
        }
    }

    private static string Printed(List<string> stdout, List<string> stderr)
    {
        lock (stdout)
        {
            lock (stderr)
            {
                return string.Join('\n', stdout) + "\n--- stderr ---\n" + string.Join('\n', stderr);
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, Process process, List<string> stdout, List<string> stderr)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new InvalidOperationException("The handler did not finish starting:\n" + Printed(stdout, stderr));
            }

            await Task.Delay(20);
        }
    }

    // The host stops its worker with SIGTERM; the handler then flushes its log and exits.
    private static async Task StopLikeTheHostAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // The stream readers finish after the exit; WaitForExit without a timeout waits for them.
        process.WaitForExit();
    }

    private sealed record Measurement(string Function, int ResponseStatus, IReadOnlyList<string> Lines, double LinesPerInvocation)
    {
        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Function} printed {Lines.Count} lines for {Invocations} invocations ({LinesPerInvocation:0.#} each):\n{string.Join('\n', Lines.Take(60))}");
    }
}

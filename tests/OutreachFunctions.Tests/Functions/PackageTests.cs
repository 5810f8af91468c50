using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Outreach.Connector.Updates;
using Outreach.Testing;
using OutreachFunctions.Functions;
using OutreachFunctions.Functions.Connect;
using OutreachFunctions.Functions.Deliver;
using OutreachFunctions.Functions.Ingest;
using OutreachFunctions.Functions.EnrolmentSweep;
using OutreachFunctions.Functions.KeepAlive;
using OutreachFunctions.Functions.Monitoring;
using OutreachFunctions.Functions.Status;
using OutreachFunctions.Tests.Functions.Infrastructure;
using Xunit.Abstractions;

namespace OutreachFunctions.Tests.Functions;

// What eng/package.sh ships: the folder layout the Functions host expects, a self-contained linux-x64 handler that stays
// executable inside the zip, and nothing local or secret. The last test runs the packaged handler the way the host does.
public sealed class PackageTests(PackagedApp package, ITestOutputHelper output) : IClassFixture<PackagedApp>
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static string DefaultExecutablePath()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(PackagedApp.Folder, "host.json")));
        return host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
    }

    private static IEnumerable<string> FunctionNames() =>
        Directory.EnumerateDirectories(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions")).Select(Path.GetFileName)!;

    [Fact]
    public void Every_function_folder_is_next_to_host_json()
    {
        output.WriteLine(package.PackagingLog);
        var names = FunctionNames().ToList();
        Assert.Equal(
            new[]
            {
                CallbackFunction.Name, ConnectFunction.Name, DeliverFunction.Name, MonitoringFunctions.DryRun, EnrolmentSweepFunction.Name, MonitoringFunctions.Health,
                IngestFunction.Name, KeepAliveFunction.Name, MonitoringFunctions.Replay, StatusFunction.Name, MonitoringFunctions.StatusData,
                MonitoringFunctions.StatusPage,
            }.Order(StringComparer.Ordinal),
            names.Order(StringComparer.Ordinal));
        foreach (var name in names)
        {
            var packaged = Path.Combine(PackagedApp.Folder, name, "function.json");
            Assert.True(File.Exists(packaged), $"{name}/function.json is missing from the package");
            Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "OutreachFunctions", "function-definitions", name, "function.json")), File.ReadAllText(packaged));
        }

        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")), File.ReadAllText(Path.Combine(PackagedApp.Folder, "host.json")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Default_executable_path_is_an_executable_linux_program()
    {
        var executable = Path.Combine(PackagedApp.Folder, DefaultExecutablePath());

        Assert.True(File.Exists(executable), $"{executable} does not exist");
        Assert.NotEqual(default, File.GetUnixFileMode(executable) & AnyExecute);
        var magic = new byte[4];
        using (var file = File.OpenRead(executable))
        {
            file.ReadExactly(magic);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), magic);
    }

    [Fact]
    public void Handler_is_self_contained()
    {
        var handler = Path.Combine(PackagedApp.Folder, "handler");
        Assert.True(File.Exists(Path.Combine(handler, "libcoreclr.so")), "the .NET runtime is not in handler/");
        Assert.True(File.Exists(Path.Combine(handler, "Microsoft.AspNetCore.dll")), "ASP.NET Core is not in handler/");
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(handler, "OutreachFunctions.runtimeconfig.json")));
        Assert.True(runtimeConfig.RootElement.GetProperty("runtimeOptions").TryGetProperty("includedFrameworks", out _));
        Assert.True(File.Exists(Path.Combine(handler, "mapping.json")), "the mapping file is not beside the handler");
    }

    [Fact]
    public void Package_holds_no_local_settings_or_secrets()
    {
        var files = Directory.EnumerateFiles(PackagedApp.Folder, "*", SearchOption.AllDirectories).ToList();
        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith("local.settings", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => Path.GetFileName(f).Equals("appsettings.Development.json", StringComparison.OrdinalIgnoreCase));
        foreach (var file in files.Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
        {
            var text = File.ReadAllText(file);
            foreach (var marker in new[] { "AccountKey=", "SharedAccessKey=", "\"IsEncrypted\"", "ClientSecret\":", "BearerSecret" })
            {
                Assert.False(text.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{file} contains {marker}");
            }
        }
    }

    [Fact]
    public void Zip_holds_the_folder_and_keeps_the_execute_bit()
    {
        using var zip = ZipFile.OpenRead(PackagedApp.Zip);
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToDictionary(e => e.FullName, StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(PackagedApp.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(PackagedApp.Folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(files.Order(StringComparer.Ordinal), entries.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("host.json", entries.Keys);
        Assert.All(FunctionNames(), name => Assert.Contains(name + "/function.json", entries.Keys));
        var mode = (UnixFileMode)((entries[DefaultExecutablePath()].ExternalAttributes >> 16) & 0x1FF);
        Assert.NotEqual(default, mode & AnyExecute);
    }

    [Fact]
    public async Task Packaged_handler_starts_like_the_host_starts_it_and_ingests()
    {
        var port = LoopbackPort.GetFree();
        var start = StartedAsTheHostDoes(port);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var ready = await PollLikeTheHostAsync(client, process, log);
            output.WriteLine($"time to first GET / answer: {stopwatch.ElapsedMilliseconds} ms (informational)");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            using var content = new StringContent(Golden.Read("Ingest", "single-profile.request.json"), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/" + IngestFunction.Name, content);
            var answer = await HostAnswer.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(503, answer.ResponseStatus);
            Assert.Equal("queue_unavailable", answer.ResponseBody.GetProperty("error").GetProperty("code").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Packaged_handler_started_in_the_app_root_reads_its_own_appsettings_and_prints_one_line_per_entry()
    {
        var port = LoopbackPort.GetFree();
        // No log level set, so handler/appsettings.json decides.
        var start = StartedAsTheHostDoes(port);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var ready = await PollLikeTheHostAsync(client, process, log);
            for (var i = 0; i < 3; i++)
            {
                using var content = new StringContent(Golden.Read("Ingest", "single-profile.request.json"), Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/" + IngestFunction.Name, content);
                Assert.Equal(503, (await HostAnswer.ReadAsync(response)).ResponseStatus);
            }
        }
        finally
        {
            // SIGTERM, as the host stops its worker: the handler flushes its log and exits.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(guard.Token);
            process.WaitForExit();
        }

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        output.WriteLine(string.Join('\n', lines));
        Assert.Contains(lines, line => line.Contains("Content root path: " + Path.Combine(PackagedApp.Folder, "handler"), StringComparison.Ordinal));
        // handler/appsettings.json keeps ASP.NET Core's per-request lines out; every entry is one line with its level.
        Assert.DoesNotContain(lines, line => line.Contains("Microsoft.AspNetCore.Routing", StringComparison.Ordinal));
        Assert.All(lines, line => Assert.Matches("^(trce|dbug|info|warn|fail|crit): [A-Za-z0-9_.]+\\[-?[0-9]+\\] ", line));
    }

    // The host polls GET / every 25 ms and takes any answer as ready (docs/reference/functions-host.md §1); it gives up after its
    // initialization timeout. The 60 s bound here only keeps a broken build from hanging the run.
    // The host starts the handler in the app root (workingDirectory "") with the app settings as variables. The Service
    // Bus connection is the emulator's form at a loopback port nobody listens on: the handler sends accepted updates
    // itself, is refused, and answers AEP 503 (nothing leaves the machine).
    private static ProcessStartInfo StartedAsTheHostDoes(int port) => new(Path.Combine(PackagedApp.Folder, DefaultExecutablePath()))
    {
        WorkingDirectory = PackagedApp.Folder,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
        Environment =
        {
            [HandlerPort.SettingName] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FUNCTIONS_WORKER_RUNTIME"] = "custom",
            ["Mapping__File"] = "mapping.json",
            ["Delivery__QueueName"] = "prospect-updates",
            ["ServiceBusConnection"] = $"Endpoint=sb://127.0.0.1:{LoopbackPort.GetFree()};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
            ["ConnectorStorage__accountName"] = "sttest",
            ["Tokens__Store"] = "KeyVault",
            ["Tokens__KeyVaultUri"] = "https://kv-test.vault.azure.net/",
            ["Outreach__ClientId"] = "test-client",
            ["Outreach__ClientSecret"] = "test-secret",
            ["Outreach__RedirectUri"] = "https://func-test.azurewebsites.net/api/oauth/callback",
        },
    };

    private static async Task<HttpResponseMessage> PollLikeTheHostAsync(HttpClient client, Process process, StringBuilder log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await client.GetAsync("/");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(25);
            }
            catch (HttpRequestException ex)
            {
                string printed;
                lock (log)
                {
                    printed = log.ToString();
                }

                throw new InvalidOperationException($"The packaged handler never answered GET / (exited: {process.HasExited}). Output:\n{printed}", ex);
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OutreachFunctions.Tests.Infrastructure;
using Outreach.Testing;

namespace OutreachFunctions.Tests.LocalRun;

/// <summary>
/// The built local run (tools/Outreach.LocalRun) as a child process tree on free loopback ports, always with its own
/// state folder (never the repository's .local). It runs in a session of its own (setsid), so a test can SIGKILL the
/// whole tree at once, the way a crash of the terminal or the machine's OOM killer would.
/// </summary>
public sealed class LocalRunProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalRunProcess(Process process, int connectorPort, int sandboxPort)
    {
        _process = process;
        ConnectorBase = SandboxConnectorSettings.LoopbackBase(connectorPort);
        SandboxBase = SandboxConnectorSettings.LoopbackBase(sandboxPort);
    }

    /// <summary>The connector's base address.</summary>
    public Uri ConnectorBase { get; }

    /// <summary>The sandbox's base address.</summary>
    public Uri SandboxBase { get; }

    /// <summary>The main process's id (also its process group's id).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The built local run, of the same configuration as this test assembly.</summary>
    public static string EntryPoint
    {
        get
        {
            // …/tests/OutreachFunctions.Tests/bin/<Configuration>/<framework>/
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(RepositoryRoot.Path, "tools", "Outreach.LocalRun", "bin", framework.Parent!.Name, framework.Name, "Outreach.LocalRun.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"The local run is not built at {path}.");
        }
    }

    /// <summary>Starts the local run on free ports with the given state folder and waits for its "Ready" banner.</summary>
    public static async Task<LocalRunProcess> StartAsync(string stateFolder, IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        int connectorPort = LoopbackPort.GetFree(), sandboxPort;
        do
        {
            sandboxPort = LoopbackPort.GetFree();
        }
        while (sandboxPort == connectorPort);

        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in new[] { "dotnet", EntryPoint, "--connector-port", Invariant(connectorPort), "--sandbox-port", Invariant(sandboxPort), "--state", stateFolder }
                     .Concat(arguments ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The local run did not start.");
        var run = new LocalRunProcess(process, connectorPort, sandboxPort);
        run._output.Follow(process, run.WatchForBanner);
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(run._ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(3)));
        if (first != run._ready.Task)
        {
            var output = run.Output();
            await run.DisposeAsync();
            Assert.Fail($"The local run did not get ready ({(first == exited ? "it exited" : "no banner within 3 minutes")}): {output}");
        }

        return run;
    }

    /// <summary>Runs the local run to its end with the given arguments; for arguments that end it at once.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add(EntryPoint);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The local run did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The local run did not end by itself: " + await output + await error);
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>The ids of the Azurite processes this run started (its direct children running azurite.js).</summary>
    public IReadOnlyList<int> AzuritePids() =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == _process.Id && CommandLineOf(pid).Contains("azurite.js", StringComparison.Ordinal))];

    /// <summary>Whether a process with this id is still running (a zombie counts as ended).</summary>
    public static bool IsAlive(int pid)
    {
        var stat = ReadOrEmpty($"/proc/{Invariant(pid)}/stat");
        var afterName = stat.LastIndexOf(')');
        return afterName > 0 && stat.Length > afterName + 2 && stat[afterName + 2] != 'Z';
    }

    /// <summary>SIGKILLs every process of the run at once (its whole process group), then waits for the main one to end.</summary>
    public async Task KillWholeRunAsync()
    {
        using var kill = Process.Start("kill", ["-KILL", "--", "-" + Invariant(_process.Id)]);
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILLs only the main process: its children are left to fend for themselves.</summary>
    public async Task KillMainProcessAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits until every prospect holds the expected fields (read through the sandbox's admin surface).</summary>
    public async Task AssertProspectsHoldAsync(IReadOnlyDictionary<long, Dictionary<string, string>> expected)
    {
        using var sandbox = new HttpClient { BaseAddress = SandboxBase };
        var mismatch = string.Empty;
        async Task<bool> AllHold()
        {
            foreach (var (id, fields) in expected)
            {
                using var document = JsonDocument.Parse(await sandbox.GetStringAsync($"admin/prospects/{id}"));
                var attributes = document.RootElement.GetProperty("data").GetProperty("attributes");
                foreach (var (field, value) in fields)
                {
                    var actual = attributes.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    if (actual != value)
                    {
                        mismatch = $"prospect {id} {field}: expected {value}, found {actual ?? "nothing"}";
                        return false;
                    }
                }
            }

            return true;
        }

        await Eventually.HoldsAsync(AllHold, () => Task.FromResult(mismatch + "\n" + Output()));
    }

    /// <summary>A client that posts to the run's ingest endpoint with the given secret.</summary>
    public HttpClient CreateIngestClient(string secret)
    {
        var client = new HttpClient { BaseAddress = ConnectorBase };
        client.DefaultRequestHeaders.Authorization = new("Bearer", secret.Trim());
        return client;
    }

    /// <summary>What the run printed so far, for failure messages.</summary>
    public string Output() => _output.ToString();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillWholeRunAsync();
        }

        _process.Dispose();
    }

    private void WatchForBanner(string line)
    {
        // Ready once the whole banner is in: it starts with "Ready:" and its lines arrive one by one.
        if (line.StartsWith("the sandbox starts afresh every run.", StringComparison.Ordinal) && Output().Contains("Ready:", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private static int ParentOf(int pid)
    {
        var stat = ReadOrEmpty($"/proc/{Invariant(pid)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : 0;
    }

    private static string CommandLineOf(int pid) => ReadOrEmpty($"/proc/{Invariant(pid)}/cmdline").Replace('\0', ' ');

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty; // The process ended meanwhile.
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

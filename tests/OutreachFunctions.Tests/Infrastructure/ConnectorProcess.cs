using System.Diagnostics;
using System.Globalization;
using Outreach.Testing;

namespace OutreachFunctions.Tests.Infrastructure;

/// <summary>
/// The standalone connector as a separate operating-system process (the built OutreachFunctions.dll), so a test can
/// kill it with SIGKILL mid-work the way a crash or an evicted instance would.
/// </summary>
public sealed class ConnectorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output = new();

    private ConnectorProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the connector listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts the connector with the given settings (as environment variables) and waits until it listens.</summary>
    public static async Task<ConnectorProcess> StartAsync(int port, IReadOnlyDictionary<string, string?> settings)
    {
        var process = Process.Start(StartInfo(Url(port), settings)) ?? throw new InvalidOperationException("The connector process did not start.");
        var connector = new ConnectorProcess(process, new Uri(Url(port) + "/"));
        connector._output.Follow(process);
        await LoopbackPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => !process.HasExited, connector.Output);
        return connector;
    }

    /// <summary>
    /// Runs a connector that is expected to refuse to start (bad settings) until it exits, and returns its exit code and
    /// everything it printed (standard error, then standard output).
    /// </summary>
    /// <exception cref="TimeoutException">The connector was still running after two minutes (it started although it should not); it is killed.</exception>
    public static async Task<(int ExitCode, string Printed)> RunUntilExitAsync(IReadOnlyDictionary<string, string?> settings)
    {
        using var process = Process.Start(StartInfo(Url(LoopbackPort.GetFree()), settings)) ?? throw new InvalidOperationException("The connector process did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A guard, not a measurement: a connector that wrongly starts would otherwise run until the test run is killed.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The connector started although it was expected to exit: " + await errors + await output);
        }

        return (process.ExitCode, await errors + await output);
    }

    // The built OutreachFunctions.dll in Standalone mode; each setting becomes an environment variable in app-setting
    // spelling (Section__Key), and a null value removes one the test process has (e.g. FUNCTIONS_CUSTOMHANDLER_PORT).
    private static ProcessStartInfo StartInfo(string url, IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OutreachFunctions.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["Connector__Mode"] = "Standalone";
        foreach (var (key, value) in settings)
        {
            var name = key.Replace(":", "__", StringComparison.Ordinal);
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return start;
    }

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs, in-flight work is simply gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>What the process printed, for failure messages.</summary>
    public string Output() => _output.ToString();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Outreach.Testing;

namespace OutreachFunctions.Tests.Infrastructure;

/// <summary>
/// The standalone connector as a separate operating-system process (the built OutreachFunctions.dll), so a test can
/// kill it with SIGKILL mid-work the way a crash or an evicted instance would.
/// </summary>
public sealed class ConnectorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

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
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        start.Environment["Connector__Mode"] = "Standalone";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The connector process did not start.");
        var connector = new ConnectorProcess(process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        process.OutputDataReceived += (_, e) => connector.Record(e.Data);
        process.ErrorDataReceived += (_, e) => connector.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await LoopbackPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => !process.HasExited, connector.Output);
        return connector;
    }

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
    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

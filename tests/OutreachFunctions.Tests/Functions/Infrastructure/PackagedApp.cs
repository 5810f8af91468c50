using System.Diagnostics;
using System.Text;
using Outreach.Testing;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>
/// The deployable package eng/package.sh writes (artifacts/functionapp and its zip), built once per test run when it is
/// missing or older than the sources it comes from.
/// </summary>
public sealed class PackagedApp : IAsyncLifetime
{
    /// <summary>The package folder.</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "functionapp");

    /// <summary>The zip.</summary>
    public static string Zip { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "functionapp.zip");

    /// <summary>What the packaging script printed, or why it did not run.</summary>
    public string PackagingLog { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (IsCurrent())
        {
            PackagingLog = "package is current; eng/package.sh not run";
            return;
        }

        var start = new ProcessStartInfo("bash", ["eng/package.sh"])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // The test host's MSBuild variables would steer the nested build to the test's own SDK session.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash eng/package.sh did not start.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        PackagingLog = output.ToString();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bash eng/package.sh failed with exit code {process.ExitCode}:\n{PackagingLog}");
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    private static bool IsCurrent()
    {
        if (!File.Exists(Zip) || !File.Exists(Path.Combine(Folder, "host.json")))
        {
            return false;
        }

        var built = File.GetLastWriteTimeUtc(Zip);
        var root = RepositoryRoot.Path;
        var inputs = new[] { Path.Combine(root, "host.json"), Path.Combine(root, "eng", "package.sh") }
            .Concat(SourceFiles(Path.Combine(root, "src", "OutreachFunctions")))
            .Concat(SourceFiles(Path.Combine(root, "src", "Outreach.Connector")));
        return inputs.All(file => File.GetLastWriteTimeUtc(file) <= built);
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}

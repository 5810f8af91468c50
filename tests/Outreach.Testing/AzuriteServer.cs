using System.Diagnostics;
using System.Globalization;

namespace Outreach.Testing;

/// <summary>
/// A real Azurite (Azure Storage emulator) process on free loopback ports: in memory (tests), or on disk in a folder
/// that survives a crash (the local run).
/// </summary>
/// <remarks>
/// Azurite is pinned in the repository's package.json and installed by <c>npm ci</c> (eng/test.sh does it).
/// Tests that need storage fail loudly when it is missing rather than skip, so a green run always means the
/// storage code really ran against the emulator. Azurite is started with azurite-preload.cjs (next to this file): it
/// ends when the process that started it ends, even by kill -9, and on disk it saves every write before answering it.
/// </remarks>
public sealed class AzuriteServer : IAsyncDisposable
{
    // The emulator's published development account and key (documented by Microsoft for Azurite); not a secret.
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly ProcessOutput _output = new();

    private AzuriteServer(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    /// <summary>The blob endpoint's port.</summary>
    public int BlobPort { get; }

    /// <summary>The queue endpoint's port.</summary>
    public int QueuePort { get; }

    /// <summary>The table endpoint's port.</summary>
    public int TablePort { get; }

    /// <summary>A storage connection string for this emulator instance.</summary>
    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{DevAccount};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{DevAccount};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{DevAccount};");

    /// <summary>The emulator's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts Azurite from the repository's node_modules and waits until all three services listen.</summary>
    /// <param name="location">
    /// The folder Azurite keeps its data in, created when missing; every write is on disk before Azurite answers it.
    /// Null (the default, for tests) keeps everything in memory.
    /// </param>
    /// <param name="reservedPorts">Ports the caller is about to listen on itself, which Azurite must not take.</param>
    public static async Task<AzuriteServer> StartAsync(string? location = null, IReadOnlyCollection<int>? reservedPorts = null)
    {
        var entryPoint = Path.Combine(RepositoryRoot.Path, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entryPoint))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {entryPoint}. Run `npm ci` in {RepositoryRoot.Path} (eng/test.sh does it).");
        }

        var taken = new HashSet<int>(reservedPorts ?? []);
        int FreePort()
        {
            // A port just released by the caller's own check is free too: skip those and each other's.
            int port;
            do
            {
                port = LoopbackPort.GetFree();
            }
            while (!taken.Add(port));
            return port;
        }

        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var workspace = location is null ? Directory.CreateTempSubdirectory("azurite-") : Directory.CreateDirectory(location);
        var start = new ProcessStartInfo("node")
        {
            // Azurite exits when its stdin closes (see azurite-preload.cjs): this process holds it open for its lifetime.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace.FullName,
        };
        start.ArgumentList.Add("--require");
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "tests", "Outreach.Testing", "azurite-preload.cjs"));
        start.ArgumentList.Add(entryPoint);
        if (location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(workspace.FullName);
            start.Environment["AZURITE_SAVE_EVERY_WRITE"] = "1";
        }

        foreach (var argument in new[]
                 {
                     "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", Invariant(blob),
                     "--queueHost", "127.0.0.1", "--queuePort", Invariant(queue),
                     "--tableHost", "127.0.0.1", "--tablePort", Invariant(table),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var server = new AzuriteServer(process, blob, queue, table);
        server._output.Follow(process);
        try
        {
            foreach (var port in new[] { blob, queue, table })
            {
                await LoopbackPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => !process.HasExited, server.Output);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>What Azurite printed so far, for failure messages.</summary>
    public string Output() => _output.ToString();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

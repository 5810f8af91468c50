using System.Globalization;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outreach.Testing;
using OutreachFunctions.Standalone;

namespace Outreach.Bench;

/// <summary>
/// A standalone connector started in-process for a benchmark, pointed at Azurite and the Outreach sandbox: the set-up
/// every delivery benchmark shares, with its ingest client and update queue. Dispose it to stop the connector.
/// </summary>
public sealed class BenchConnector : IAsyncDisposable
{
    /// <summary>The ingest secret (and Connect key) of every benchmark connector.</summary>
    public const string Secret = "bench-secret-0123456789-abcdefghijklmnop";

    // Starting, connecting and stopping take a second or two; these bounds only stop a hung step from hanging the run.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private BenchConnector(WebApplication app, Uri baseAddress, string storageConnectionString)
    {
        App = app;
        BaseAddress = baseAddress;
        Queue = new QueueClient(storageConnectionString, app.Configuration["Delivery:QueueName"]);
        Ingest = new IngestClient(baseAddress, Secret);
    }

    /// <summary>The running connector (its services and configuration).</summary>
    public WebApplication App { get; }

    /// <summary>Where it listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Its update queue (Storage queue in Azurite).</summary>
    public QueueClient Queue { get; }

    /// <summary>Posts AEP exports to its ingest endpoint.</summary>
    public IngestClient Ingest { get; }

    /// <summary>A service of the connector, e.g. its Outreach client for the naive baseline.</summary>
    public T GetRequiredService<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>
    /// Starts a connector with the benchmarks' common settings plus <paramref name="settings"/> (which win), and connects
    /// it to the sandbox unless <paramref name="connect"/> is false (several instances share one connection).
    /// </summary>
    /// <param name="azurite">The storage emulator.</param>
    /// <param name="sandbox">The sandbox playing Outreach.</param>
    /// <param name="settings">The benchmark's own settings (configuration keys with ':').</param>
    /// <param name="namePrefix">Queue and table prefix; instances sharing it share the queue, tables and connection state.</param>
    /// <param name="tokenFolder">The local token store's folder; instances sharing a connection share it.</param>
    /// <param name="connect">Whether to run the OAuth flow against the sandbox after starting.</param>
    public static async Task<BenchConnector> StartAsync(
        AzuriteServer azurite,
        SandboxServer sandbox,
        IReadOnlyDictionary<string, string?> settings,
        string? namePrefix = null,
        string? tokenFolder = null,
        bool connect = true)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentNullException.ThrowIfNull(settings);
        var baseAddress = SandboxConnectorSettings.LoopbackBase(LoopbackPort.GetFree());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(baseAddress.ToString());
        builder.Logging.ClearProviders();
        var all = SandboxConnectorSettings.Create(
            azurite.ConnectionString,
            sandbox,
            baseAddress,
            Secret,
            tokenFolder ?? Directory.CreateTempSubdirectory("bench-tokens-").FullName,
            namePrefix ?? NewNamePrefix());
        all["Drain:IdlePollInterval"] = "00:00:00.050";
        all["Drain:MaxIdlePollInterval"] = "00:00:00.200";
        all["Tokens:MintingInterval"] = "00:00:00";
        all["Monitoring:Exporter"] = "None";
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        var app = StandaloneApp.Build(builder);
        var connector = new BenchConnector(app, baseAddress, azurite.ConnectionString);
        try
        {
            using var starting = new CancellationTokenSource(StartTimeout);
            await app.StartAsync(starting.Token);
            if (connect)
            {
                await connector.ConnectAsync(sandbox, starting.Token);
            }
        }
        catch
        {
            await connector.DisposeAsync();
            throw;
        }

        return connector;
    }

    /// <summary>A fresh queue and table prefix, so connectors of one run never see each other's state.</summary>
    public static string NewNamePrefix() => "bench" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Connects the connector to the sandbox through the OAuth flow.</summary>
    public async Task ConnectAsync(SandboxServer sandbox, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StartTimeout);
        await ConnectorAuthorization.ConnectAsync(BaseAddress, Secret, sandbox, bounded.Token);
    }

    /// <summary>Stops the connector (bounded) without disposing it, so its final state can still be read.</summary>
    public async Task StopAsync()
    {
        using var stopping = new CancellationTokenSource(StopTimeout);
        await App.StopAsync(stopping.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Ingest.Dispose();
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            // A hung stop must not hang the benchmark; the process ends soon anyway.
        }

        await App.DisposeAsync();
    }

    /// <summary>Formats a setting value the connector reads as a number.</summary>
    public static string Setting(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats a setting value the connector reads as a TimeSpan.</summary>
    public static string Setting(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}

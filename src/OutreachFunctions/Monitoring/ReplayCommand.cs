using System.Globalization;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Queueing;
using Outreach.Connector.Queueing.ServiceBus;
using Outreach.Connector.Queueing.StorageQueues;
using Outreach.Connector.Storage;

using OutreachFunctions.Hosting;

namespace OutreachFunctions.Monitoring;

/// <summary>
/// <c>OutreachFunctions replay [--error-id ID] [--audience AUDIENCE] [--from TIME] [--to TIME] [--max N] [--list] [--queue storage|servicebus]</c>:
/// puts failed updates from the failure ledger back on the update queue, with the app's own settings.
/// </summary>
/// <remarks>
/// A sub-command of the app rather than a separate tool: it needs exactly the app's settings (storage, table prefix,
/// queue) and adapters, and ships inside the package already. The queue: the Storage queue <c>Delivery:QueueName</c> on
/// <c>ConnectorStorage</c> (standalone), or Service Bus through the client library (<c>ServiceBusConnection__fullyQualifiedNamespace</c>)
/// when that setting is present or <c>--queue servicebus</c> is given. In Azure the admin endpoint does the same.
/// </remarks>
public static class ReplayCommand
{
    /// <summary>The sub-command's name, the first argument.</summary>
    public const string Name = "replay";

    /// <summary>The usage text.</summary>
    public const string Usage =
        "usage: OutreachFunctions replay [--error-id ID] [--audience AUDIENCE_ID] [--from TIME] [--to TIME] [--max N] [--list] [--queue storage|servicebus]\n" +
        "  Queues the failed updates of the failure ledger again (all of them without filters) and removes each from the ledger once queued.\n" +
        "  --list only prints what would be replayed. TIME is ISO 8601, e.g. 2025-03-01T10:00:00Z.";

    /// <summary>True when the arguments ask for this command (Program.cs checks this first).</summary>
    public static bool IsReplay(IReadOnlyList<string> args) => args is { Count: > 0 } && args[0] == Name;

    /// <summary>Runs the command; returns the process exit code (0 done, 1 stopped early, 2 bad arguments or settings).</summary>
    /// <param name="args">The whole command line, starting with <c>replay</c>.</param>
    /// <param name="configuration">The app's configuration.</param>
    /// <param name="output">Where the result goes.</param>
    /// <param name="error">Where problems go.</param>
    /// <param name="queueOverride">A queue to use instead of the configured one (tests).</param>
    /// <param name="cancellationToken">Stops the command.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, TextWriter error, IUpdateQueue? queueOverride = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var rest = args.Skip(1).ToList();
        string? queueKind = null;
        var at = rest.IndexOf("--queue");
        if (at >= 0)
        {
            queueKind = at + 1 < rest.Count ? rest[at + 1] : "";
            rest.RemoveRange(at, Math.Min(2, rest.Count - at));
        }

        if (rest.Contains("--help"))
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        if (!ReplayArguments.TryParseCommandLine(rest, out var query, out var listOnly, out var problem))
        {
            await error.WriteLineAsync(problem + "\n" + Usage);
            return 2;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(configuration);
        try
        {
            var storage = ConnectorStorage.FromConfiguration(configuration);
            services.AddSingleton(storage);
            services.AddDeliveryEngine(_ => storage.Tables);
            services.AddConnectorMetrics();
            services.AddSingleton<FailureReplay>();
            AddQueue(services, configuration, storage, queueKind, queueOverride);
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }

        await using var provider = services.BuildServiceProvider();
        ReplayResult result;
        try
        {
            // Listing only reads the ledger: the queue (and its sender settings) is only needed to replay.
            var queue = listOnly ? null : provider.GetRequiredService<IUpdateQueue>();
            result = await provider.GetRequiredService<FailureReplay>().ReplayAsync(query, queue, listOnly, cancellationToken);
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync(string.Join(Environment.NewLine, SettingsProblems.FromException(ex).Select(p => p.Problem)));
            return 2;
        }

        foreach (var entry in result.Entries)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(entry.Replayed ? "replayed" : listOnly ? "would replay" : "kept")}  {entry.ErrorId}  prospect {entry.ProspectId}  {entry.Explanation}"));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.Matched} matched, {result.Replayed} replayed{(listOnly ? " (list only)" : "")}."));
        if (result.Error is not null)
        {
            await error.WriteLineAsync(result.Error);
            return 1;
        }

        return 0;
    }

    private static void AddQueue(IServiceCollection services, IConfiguration configuration, ConnectorStorage storage, string? kind, IUpdateQueue? queueOverride)
    {
        if (queueOverride is not null)
        {
            services.AddSingleton(queueOverride);
            return;
        }

        var useServiceBus = kind switch
        {
            null => !string.IsNullOrWhiteSpace(configuration[ServiceBusSenderOptions.FullyQualifiedNamespaceKey]),
            "servicebus" => true,
            "storage" => false,
            _ => throw new InvalidOperationException($"--queue must be storage or servicebus, not '{kind}'."),
        };
        if (useServiceBus)
        {
            services.AddServiceBusSender(configuration);
            services.AddSingleton<IUpdateQueue, ServiceBusUpdateQueue>();
        }
        else
        {
            services.AddSingleton<IUpdateQueue>(sp => new StorageQueueUpdateQueue(
                storage.Queues.GetQueueClient(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.QueueName)));
        }
    }
}

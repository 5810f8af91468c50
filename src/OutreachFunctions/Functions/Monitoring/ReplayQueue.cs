using Outreach.Connector.Queueing;

namespace OutreachFunctions.Functions.Monitoring;

/// <summary>
/// The queue the Replay function puts failed updates back on, or why there is none: locally with only the emulator's
/// connection string, the Service Bus REST API replay sends through does not exist. Listing needs no queue.
/// </summary>
/// <param name="Queue">The update queue (through the REST sender), or null.</param>
/// <param name="Missing">Why there is no queue, when <paramref name="Queue"/> is null.</param>
public sealed record ReplayQueue(IUpdateQueue? Queue, string? Missing)
{
    /// <summary>Registers the Replay function's queue: the REST sender's update queue, or none with the emulator only.</summary>
    public static IServiceCollection AddReplayQueue(IServiceCollection services, bool emulatorOnly)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (emulatorOnly)
        {
            return services.AddSingleton(new ReplayQueue(
                null,
                "Replay sends through the Service Bus REST API, which the local emulator does not have: set " +
                "ServiceBusConnection__fullyQualifiedNamespace to a real namespace to replay (listing works without it)."));
        }

        // Registered as its own type, not as IUpdateQueue: Ingest queues through the host's output binding.
        services.AddTransient<ServiceBusUpdateQueue>();
        return services.AddTransient(sp => new ReplayQueue(sp.GetRequiredService<ServiceBusUpdateQueue>(), null));
    }
}

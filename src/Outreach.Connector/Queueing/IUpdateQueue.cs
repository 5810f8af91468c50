using Outreach.Connector.Updates;

namespace Outreach.Connector.Queueing;

/// <summary>Where ingest puts prospect updates for delivery: a Storage queue locally, Service Bus in Azure.</summary>
public interface IUpdateQueue
{
    /// <summary>Queues the updates, one message each. Throws when the queue cannot take them.</summary>
    Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken);
}

using Azure.Storage.Queues;

namespace OutreachFunctions.Standalone;

/// <summary>Creates the standalone update queue at start, so a fresh Azurite needs no setup step.</summary>
public sealed class QueueProvisioning(QueueClient queue) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

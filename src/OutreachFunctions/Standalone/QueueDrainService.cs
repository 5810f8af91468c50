using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Queueing.StorageQueues;
using Outreach.Connector.Tokens;

namespace OutreachFunctions.Standalone;

/// <summary>
/// The standalone runtime's drainer: a background loop that receives batches from the Storage queue
/// (<see cref="StorageQueueReceiver"/>), hands them to the core's <see cref="ReceivedBatchProcessor"/>, and settles
/// them on the queue (<see cref="StorageQueueSettler"/>).
/// </summary>
/// <remarks>
/// A message stays invisible while its batch is worked on and is deleted only after the engine has recorded its
/// outcome, so a crash at any point loses nothing: the message reappears after the visibility timeout and is
/// delivered again, which cannot change the result (the engine drops values already applied).
/// </remarks>
public sealed partial class QueueDrainService(
    QueueClient queue,
    QueueServiceClient queues,
    ReceivedBatchProcessor processor,
    IConnectionState connection,
    IOptions<StorageQueueDrainOptions> drainOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time,
    ILogger<QueueDrainService> logger) : BackgroundService
{
    private readonly StorageQueueDrainOptions _options = drainOptions.Value;
    private readonly int _batchSize = deliveryOptions.Value.BatchSize;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var poison = queues.GetQueueClient(queue.Name + _options.PoisonQueueSuffix);
        await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        var receiver = new StorageQueueReceiver(queue, time);
        var settler = new StorageQueueSettler(queue, poison, time);
        var idle = _options.IdlePollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            await connection.RefreshIfDueAsync(stoppingToken);
            if (connection.Status is { } paused && time.GetUtcNow() < paused.ProbeAt)
            {
                // Needs re-authorization: receive nothing until a new connection (on any instance) resumes delivery or
                // it is time to probe Outreach again. The queue keeps every update meanwhile.
                await DelayAsync(_options.IdlePollInterval, stoppingToken);
                continue;
            }

            TimeSpan wait;
            try
            {
                var drained = await DrainOnceAsync(receiver, settler, stoppingToken);
                idle = drained.Received > 0 ? _options.IdlePollInterval : Min(idle * 2, _options.MaxIdlePollInterval);
                wait = drained.Received > 0 ? drained.ResumeIn : idle;
            }
            catch (RequestFailedException ex)
            {
                // Storage is unavailable: messages stay on the queue; try again shortly.
                LogStorageUnavailable(ex.Status, ex.ErrorCode);
                wait = _options.MaxIdlePollInterval;
            }

            await DelayAsync(wait, stoppingToken);
        }
    }

    private async Task DelayAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(wait, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the loop ends.
        }
    }

    /// <summary>Receives one batch, delivers and settles it; returns how many messages came and how long to wait.</summary>
    internal async Task<(int Received, TimeSpan ResumeIn)> DrainOnceAsync(StorageQueueReceiver receiver, StorageQueueSettler settler, CancellationToken cancellationToken)
    {
        var received = await receiver.ReceiveAsync(_batchSize, _options.VisibilityTimeout, _options.GatherWait, _options.IdlePollInterval, cancellationToken);
        if (received.Count == 0)
        {
            return (0, TimeSpan.Zero);
        }

        var result = await processor.ProcessAsync(received, settler, cancellationToken);
        var resumeIn = result.SendingResumesAt is { } resumesAt ? Max(resumesAt - time.GetUtcNow(), TimeSpan.Zero) : TimeSpan.Zero;
        return (received.Count, Min(resumeIn, _options.MaxIdlePollInterval));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable while draining ({Status} {ErrorCode}); retrying")]
    private partial void LogStorageUnavailable(int status, string? errorCode);
}

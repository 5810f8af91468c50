using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;

namespace OutreachFunctions.Standalone;

/// <summary>
/// The standalone runtime's drainer: receives batches from the Storage queue, runs the delivery engine, and applies
/// each message's disposition to the queue.
/// </summary>
/// <remarks>
/// A message stays invisible while its batch is worked on and is deleted only after the engine has recorded its
/// outcome, so a crash at any point loses nothing: the message reappears after the visibility timeout and is
/// delivered again, which cannot change the result (the engine drops values already applied).
/// </remarks>
public sealed partial class QueueDrainService(
    QueueClient queue,
    QueueServiceClient queues,
    DeliveryEngine engine,
    IConnectionState connection,
    IOptions<StorageQueueDrainOptions> drainOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time,
    ILogger<QueueDrainService> logger) : BackgroundService
{
    // A Storage queue returns at most 32 messages per receive.
    private const int MaxReceive = 32;
    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    private readonly StorageQueueDrainOptions _options = drainOptions.Value;
    private readonly int _batchSize = Math.Clamp(deliveryOptions.Value.BatchSize, 1, MaxReceive);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var poison = queues.GetQueueClient(queue.Name + _options.PoisonQueueSuffix);
        await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
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
                var drained = await DrainOnceAsync(poison, stoppingToken);
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

    /// <summary>Receives one batch, delivers it and applies the dispositions; returns how many messages came and how long to wait.</summary>
    internal async Task<(int Received, TimeSpan ResumeIn)> DrainOnceAsync(QueueClient poison, CancellationToken cancellationToken)
    {
        var received = (await queue.ReceiveMessagesAsync(_batchSize, _options.VisibilityTimeout, cancellationToken)).Value;
        if (received.Length == 0)
        {
            return (0, TimeSpan.Zero);
        }

        var batch = new List<DeliveryMessage>(received.Length);
        var byId = new Dictionary<string, QueueMessage>(received.Length, StringComparer.Ordinal);
        foreach (var message in received)
        {
            QueuedUpdate queued;
            try
            {
                queued = ProspectUpdateFormat.DeserializeQueued(message.Body.ToMemory());
            }
            catch (FormatException ex)
            {
                // Not an update this version reads: keep it for inspection, out of the way of the others.
                LogUndecodable(message.MessageId, ex.Message);
                await poison.SendMessageAsync(message.Body, timeToLive: StorageQueueUpdateQueue.NeverExpires, cancellationToken: cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                continue;
            }

            batch.Add(new DeliveryMessage(message.MessageId, queued.Update, queued.AttemptsUsed + (int)message.DequeueCount));
            byId[message.MessageId] = message;
        }

        if (batch.Count == 0)
        {
            return (received.Length, TimeSpan.Zero);
        }

        var result = await engine.DeliverAsync(batch, cancellationToken);

        // Each message's disposition is independent of the others': apply them concurrently (one round trip, not 32).
        await Task.WhenAll(batch.Select((message, i) => ApplyAsync(byId[message.MessageId], message.Update, result.Dispositions[i], cancellationToken)));

        var resumeIn = result.SendingResumesAt is { } resumesAt ? Max(resumesAt - time.GetUtcNow(), TimeSpan.Zero) : TimeSpan.Zero;
        return (received.Length, Min(resumeIn, _options.MaxIdlePollInterval));
    }

    private async Task ApplyAsync(QueueMessage message, ProspectUpdate update, MessageDisposition disposition, CancellationToken cancellationToken)
    {
        switch (disposition)
        {
            case MessageDisposition.Complete or MessageDisposition.Poison:
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                break;
            case MessageDisposition.RetryLater retry:
                // The next receive raises the dequeue count: this attempt counts, as it should.
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: Clamp(retry.Delay), cancellationToken: cancellationToken);
                break;
            default:
                // Deferred (rate limit) or held (re-authorization): a fresh copy keeps the attempts used so far and does
                // not count this one. Sent before the original is deleted, so a crash in between duplicates the update
                // (harmless) rather than losing it. A deferred copy becomes visible at the reset time; a held copy at
                // once, because this drainer stops receiving while paused and must find it the moment a new
                // authorization resumes delivery.
                var delay = disposition is MessageDisposition.Hold
                    ? TimeSpan.Zero
                    : Clamp((disposition.NotBefore ?? time.GetUtcNow()) - time.GetUtcNow());
                await queue.SendMessageAsync(
                    ProspectUpdateFormat.SerializeToString(update, disposition.AttemptsUsed),
                    visibilityTimeout: delay,
                    timeToLive: StorageQueueUpdateQueue.NeverExpires,
                    cancellationToken: cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                break;
        }
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : Min(delay, MaxVisibilityDelay);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {MessageId} is not a prospect update and was moved to the poison queue: {Reason}")]
    private partial void LogUndecodable(string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable while draining ({Status} {ErrorCode}); retrying")]
    private partial void LogStorageUnavailable(int status, string? errorCode);
}

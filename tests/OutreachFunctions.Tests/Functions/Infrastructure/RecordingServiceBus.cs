using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Moq;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>
/// The Service Bus client library mocked (no broker runs here): a <see cref="ServiceBusClient"/> whose sender hands out
/// model-factory batches of at most <see cref="MaxBatchBytes"/>, records every batch sent, and throws the queued
/// failures first. The app's real <c>ServiceBusMessageSender</c> runs on top of it.
/// </summary>
public sealed class RecordingServiceBus
{
    // The model factory's batches report no size of their own: each message counts its body plus a fixed overhead.
    private const int PerMessageOverhead = 100;
    private readonly ConcurrentDictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _open = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the mocks for a queue.</summary>
    public RecordingServiceBus(string queueName = "prospect-updates")
    {
        Sender.SetupGet(s => s.EntityPath).Returns(queueName);
        Sender.Setup(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>())).Returns(() => ValueTask.FromResult(NewBatch()));
        Sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
            .Returns((ServiceBusMessageBatch batch, CancellationToken _) =>
            {
                _open.TryRemove(batch, out var messages);
                Attempts.Enqueue(messages!);
                if (Failures.TryDequeue(out var failure) && failure is not null)
                {
                    return Task.FromException(failure);
                }

                Sends.Enqueue(messages!);
                return Task.CompletedTask;
            });
        Client.Setup(c => c.CreateSender(queueName)).Returns(Sender.Object);
    }

    /// <summary>The client mock; register <c>Client.Object</c> as the app's <see cref="ServiceBusClient"/>.</summary>
    public Mock<ServiceBusClient> Client { get; } = new(MockBehavior.Strict);

    /// <summary>The sender mock the client creates for the queue.</summary>
    public Mock<ServiceBusSender> Sender { get; } = new();

    /// <summary>How many bytes one batch takes (bodies plus a fixed overhead each); 256 KB as on Standard.</summary>
    public long MaxBatchBytes { get; set; } = 256 * 1024;

    /// <summary>Every batch the app tried to send, refused ones included, in order.</summary>
    public ConcurrentQueue<IReadOnlyList<ServiceBusMessage>> Attempts { get; } = new();

    /// <summary>Every batch sent (accepted), in order.</summary>
    public ConcurrentQueue<IReadOnlyList<ServiceBusMessage>> Sends { get; } = new();

    /// <summary>What the next sends do, one entry per send: throw the exception, or succeed (null).</summary>
    public ConcurrentQueue<Exception?> Failures { get; } = new();

    /// <summary>Every message sent, in order.</summary>
    public IReadOnlyList<ServiceBusMessage> Messages => [.. Sends.SelectMany(s => s)];

    private ServiceBusMessageBatch NewBatch()
    {
        var messages = new List<ServiceBusMessage>();
        var bytes = 0L;
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(MaxBatchBytes, messages, tryAddCallback: message =>
        {
            var size = message.Body.ToMemory().Length + PerMessageOverhead;
            if (bytes + size > MaxBatchBytes)
            {
                return false;
            }

            bytes += size;
            return true;
        });
        _open[batch] = messages;
        return batch;
    }
}

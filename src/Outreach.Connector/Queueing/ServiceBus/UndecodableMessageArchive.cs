using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Outreach.Connector.Queueing.Receiving;

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>
/// Keeps the Service Bus messages Deliver cannot read as prospect updates (another writer, a newer schema, a corrupted
/// body): one JSON blob per message in the connector's storage account, container <see cref="ContainerName"/>, so the
/// message can be completed without being lost and without blocking its batch.
/// </summary>
/// <remarks>
/// Blob name: <c>deliver/{yyyy-MM-dd of enqueue}/{MessageId}.json</c>. A redelivered message overwrites its own blob
/// instead of adding one. The blob holds the body as received plus the broker metadata and the reason. The standalone
/// drainer keeps such messages on its <c>-poison</c> queue instead; Service Bus has no such queue a custom handler can
/// write to (dead-lettering is not available to it), and the dead-letter queue would only get the message after ten
/// failed deliveries of the whole batch.
/// </remarks>
public sealed partial class UndecodableMessageArchive(BlobServiceClient blobs, TimeProvider time)
{
    /// <summary>The blob container (created on first use).</summary>
    public const string ContainerName = "outreach-poison";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };
    private readonly Lazy<Task> _created = new(() => blobs.GetBlobContainerClient(ContainerName).CreateIfNotExistsAsync());

    /// <summary>The blob name a message is archived under.</summary>
    public static string BlobNameFor(ReceivedMessage<ServiceBusMessageMetadata> message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var messageId = message.MessageId;
        var day = message.Handle.EnqueuedTime is { } enqueued ? enqueued.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "undated";
        var name = SafeName().IsMatch(messageId) ? messageId : "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)).AsSpan(0, 16));
        return $"deliver/{day}/{name}.json";
    }

    /// <summary>Writes the message's blob; returns its name. Storage failures propagate (the message must then not be completed).</summary>
    public async Task<string> ArchiveAsync(ReceivedMessage<ServiceBusMessageMetadata> message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await EnsureContainerAsync(cancellationToken);
        var name = BlobNameFor(message);
        var blob = blobs.GetBlobContainerClient(ContainerName).GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(Document(message, reason)), overwrite: true, cancellationToken);
        return name;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        var creation = _created.Value;
        try
        {
            await creation.WaitAsync(cancellationToken);
        }
        catch (Azure.RequestFailedException)
        {
            // Not cached as failed: the next message tries again.
            await blobs.GetBlobContainerClient(ContainerName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }

    private byte[] Document(ReceivedMessage<ServiceBusMessageMetadata> message, string reason)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId", message.MessageId);
            if (message.Handle.SequenceNumber is { } sequence)
            {
                writer.WriteNumber("sequenceNumber", sequence);
            }

            if (message.Handle.DeliveryCount is { } count)
            {
                writer.WriteNumber("deliveryCount", count);
            }

            if (message.Handle.EnqueuedTime is { } enqueued)
            {
                writer.WriteString("enqueuedTime", enqueued);
            }

            if (message.Handle.ContentType is { } contentType)
            {
                writer.WriteString("contentType", contentType);
            }

            writer.WriteString("archivedAt", time.GetUtcNow());
            writer.WriteString("reason", reason);
            writer.WriteString("body", message.Body.ToString());
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();
}

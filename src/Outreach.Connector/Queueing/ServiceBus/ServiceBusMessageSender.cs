using System.Globalization;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>
/// Sends messages to the update queue through the <c>Azure.Messaging.ServiceBus</c> client: as many
/// <see cref="ServiceBusMessageBatch"/>es as the messages need (one when they fit), each taken whole or not at all by
/// the broker. Carries what the host's output binding cannot: message id, scheduled enqueue time, time to live,
/// application properties.
/// </summary>
/// <remarks>
/// <para>The <see cref="ServiceBusSender"/> is the app's one long-lived sender (a singleton over the singleton
/// <see cref="ServiceBusClient"/>; see <see cref="ServiceBusServiceCollectionExtensions.AddServiceBusSender"/>), so every
/// send reuses one AMQP connection and link. The client retries transient failures itself
/// (<see cref="ServiceBusSenderOptions.MaxRetries"/>); what is left is reported as a <see cref="ServiceBusSendResult"/>,
/// never thrown, except cancellation.</para>
/// <para>Batches go in order and sending stops at the first failure, so the messages before it are queued and those
/// after it are not: callers give every message a deterministic <see cref="ServiceBusOutgoingMessage.MessageId"/>, so
/// sending all of them again is deduplicated by the queue (docs/functions.md, "Sending to the queue").</para>
/// </remarks>
public sealed class ServiceBusMessageSender(ServiceBusSender sender) : IServiceBusMessageSender
{
    private const int MaxReasonLength = 300;

    /// <inheritdoc />
    public async Task<ServiceBusSendResult> SendBatchAsync(IReadOnlyList<ServiceBusOutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return new ServiceBusSendResult(ServiceBusSendStatus.Sent, "Nothing to send.");
        }

        var queue = sender.EntityPath ?? "(unnamed)";
        var added = 0;
        var sent = 0;
        var batches = 0;
        try
        {
            while (added < messages.Count)
            {
                using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
                var first = added;
                while (added < messages.Count && batch.TryAddMessage(ToMessage(messages[added])))
                {
                    added++;
                }

                if (added == first)
                {
                    return new ServiceBusSendResult(
                        ServiceBusSendStatus.QuotaExceededOrTooLarge,
                        $"Message {added + 1} of {messages.Count} is larger than one batch may be ({batch.MaxSizeInBytes} bytes) for Service Bus queue '{queue}'{SentBefore(sent)}.");
                }

                await sender.SendMessagesAsync(batch, cancellationToken);
                sent = added;
                batches++;
            }
        }
        catch (ServiceBusException ex)
        {
            return Classify(ex, messages.Count, sent, queue);
        }
        catch (UnauthorizedAccessException ex)
        {
            return new ServiceBusSendResult(ServiceBusSendStatus.Unauthorized, $"Service Bus refused {Count(messages.Count)} for queue '{queue}' (unauthorized: give the app's identity the role Azure Service Bus Data Sender on the namespace or queue): {Reason(ex)}{SentBefore(sent)}.");
        }
        catch (AuthenticationFailedException ex)
        {
            return new ServiceBusSendResult(ServiceBusSendStatus.Unauthorized, $"No Entra ID token for Service Bus (check AZURE_CLIENT_ID names the app's user-assigned identity): {Reason(ex)}{SentBefore(sent)}.");
        }

        return new ServiceBusSendResult(
            ServiceBusSendStatus.Sent,
            string.Create(CultureInfo.InvariantCulture, $"Sent {Count(messages.Count)} to Service Bus queue '{queue}' in {batches} batch{(batches == 1 ? "" : "es")}."));
    }

    /// <summary>The library message for an outgoing message: body, content type and every broker property set.</summary>
    public static ServiceBusMessage ToMessage(ServiceBusOutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var result = new ServiceBusMessage(BinaryData.FromString(message.Body))
        {
            ContentType = message.ContentType,
            CorrelationId = message.CorrelationId,
            Subject = message.Subject,
        };
        if (message.MessageId is not null)
        {
            result.MessageId = message.MessageId;
        }

        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            result.ScheduledEnqueueTime = scheduled;
        }

        if (message.TimeToLive is { } ttl)
        {
            result.TimeToLive = ttl;
        }

        if (message.ApplicationProperties is { } properties)
        {
            foreach (var (name, value) in properties)
            {
                result.ApplicationProperties[name] = value;
            }
        }

        return result;
    }

    private static ServiceBusSendResult Classify(ServiceBusException ex, int count, int sent, string queue)
    {
        var prefix = $"Service Bus refused {Count(count)} for queue '{queue}' ({ex.Reason}";
        var suffix = $"): {Reason(ex)}{SentBefore(sent)}.";
        return ex.Reason switch
        {
            ServiceBusFailureReason.ServiceBusy =>
                new(ServiceBusSendStatus.Throttled, prefix + "; busy, send again later" + suffix),
            ServiceBusFailureReason.ServiceTimeout or ServiceBusFailureReason.ServiceCommunicationProblem =>
                new(ServiceBusSendStatus.Transient, prefix + "; send again later" + suffix),
            ServiceBusFailureReason.QuotaExceeded or ServiceBusFailureReason.MessageSizeExceeded =>
                new(ServiceBusSendStatus.QuotaExceededOrTooLarge, prefix + "; quota exceeded or message too large" + suffix),
            ServiceBusFailureReason.MessagingEntityNotFound or ServiceBusFailureReason.MessagingEntityDisabled =>
                new(ServiceBusSendStatus.EntityNotFound, prefix + "; check the queue exists and Delivery__QueueName names it" + suffix),
            _ when ex.IsTransient => new(ServiceBusSendStatus.Transient, prefix + "; send again later" + suffix),
            _ => new(ServiceBusSendStatus.Rejected, prefix + "; sending it again will not help" + suffix),
        };
    }

    private static string Count(int count) => count == 1 ? "1 message" : count.ToString(CultureInfo.InvariantCulture) + " messages";

    private static string SentBefore(int sent) =>
        sent == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; the first {sent} were sent before");

    private static string Reason(Exception ex)
    {
        var text = ex.Message.ReplaceLineEndings(" ").Trim();
        return text.Length > MaxReasonLength ? text[..MaxReasonLength] + "…" : text;
    }
}

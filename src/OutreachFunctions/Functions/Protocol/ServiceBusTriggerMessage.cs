using System.Text.Json;

namespace OutreachFunctions.Functions.Protocol;

/// <summary>One message of a <c>serviceBusTrigger</c> invocation: its body text and the metadata the host sent for it.</summary>
/// <remarks>
/// A metadata value is null when the host did not send it, when it could not be read, or when it could not be trusted
/// (see <see cref="ServiceBusTriggerDecoder"/>); the batch's warnings say which.
/// </remarks>
public sealed class ServiceBusTriggerMessage
{
    /// <summary>The message's position in the invocation (0 for a single message).</summary>
    public required int Index { get; init; }

    /// <summary>The message body as text (UTF-8 decoded by the host), with the host's extra JSON-string layers removed.</summary>
    public required string Body { get; init; }

    /// <summary>The broker's <c>MessageId</c>.</summary>
    public string? MessageId { get; init; }

    /// <summary>How many times the broker has delivered this message, this delivery included (1 on the first).</summary>
    public int? DeliveryCount { get; init; }

    /// <summary>The broker's sequence number, unique and increasing per entity.</summary>
    public long? SequenceNumber { get; init; }

    /// <summary>When the broker accepted the message (from <c>EnqueuedTime</c>, else <c>EnqueuedTimeUtc</c> read as UTC).</summary>
    public DateTimeOffset? EnqueuedTime { get; init; }

    /// <summary>When the message expires (from <c>ExpiresAt</c>, else <c>ExpiresAtUtc</c> read as UTC).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The <c>CorrelationId</c> the sender set.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The <c>ContentType</c> the sender set (the output binding sets <c>text/plain</c>).</summary>
    public string? ContentType { get; init; }

    /// <summary>The <c>Subject</c> (alias <c>Label</c>) the sender set.</summary>
    public string? Subject { get; init; }

    /// <summary>The sender's application properties (alias <c>UserProperties</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, JsonElement> ApplicationProperties { get; init; } = EmptyProperties;

    /// <summary>Reads an integer application property (written as a number or as text).</summary>
    public bool TryGetApplicationProperty(string name, out long value)
    {
        value = 0;
        return ApplicationProperties.TryGetValue(name, out var element) && EnvelopeValue.TryGetInt64(element, out value);
    }

    /// <summary>Reads a text application property.</summary>
    public string? GetApplicationPropertyText(string name) =>
        ApplicationProperties.TryGetValue(name, out var element) ? EnvelopeValue.Text(element) : null;

    private static readonly IReadOnlyDictionary<string, JsonElement> EmptyProperties =
        new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
}

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>One message for <see cref="IServiceBusMessageSender"/>: a text body and the broker properties to set.</summary>
/// <param name="Body">The body, sent unchanged (UTF-8).</param>
public sealed record ServiceBusOutgoingMessage(string Body)
{
    /// <summary>The body's content type.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>The message id; with duplicate detection on, a second message with the same id inside the window is dropped.</summary>
    public string? MessageId { get; init; }

    /// <summary>When the broker makes the message visible (scheduled message); null = at once.</summary>
    public DateTimeOffset? ScheduledEnqueueTime { get; init; }

    /// <summary>The message's time to live; null = the queue's default.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The subject (shown as <c>Label</c> by older tools).</summary>
    public string? Subject { get; init; }

    /// <summary>Application (custom) properties: string, bool, int, long, double or <see cref="DateTimeOffset"/> values.</summary>
    public IReadOnlyDictionary<string, object>? ApplicationProperties { get; init; }
}

using System.ComponentModel.DataAnnotations;

namespace OutreachFunctions.Standalone;

/// <summary>
/// How the standalone runtime drains its Azure Storage queue. The queue itself is <c>Delivery:QueueName</c>
/// (<see cref="Outreach.Connector.Delivery.DeliveryOptions.QueueName"/>), shared with the Functions app.
/// </summary>
public sealed class StorageQueueDrainOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Drain";

    /// <summary>False runs an ingest-only instance that queues updates and never delivers them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a received message stays invisible while its batch is worked on. It must exceed the engine's
    /// MaxBatchDuration: if the process dies, the message reappears after this long and is delivered again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first wait after an empty receive; doubles while the queue stays empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between receives of an empty queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxIdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a batch that has begun may wait for more messages when the queue has no more, so that coalescing and bulk
    /// writes see bigger batches (up to <c>Delivery:BatchSize</c>; a Storage queue returns at most 32 per receive). Zero
    /// (the default) takes what the queue holds at once. It delays the batch's first PATCH by at most this long, and it
    /// must stay well below <see cref="VisibilityTimeout"/>, which runs from the first receive.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan GatherWait { get; set; } = TimeSpan.Zero;

    /// <summary>The suffix of the queue undecodable messages are moved to, so they are kept and never block the queue.</summary>
    public string PoisonQueueSuffix { get; set; } = "-poison";
}

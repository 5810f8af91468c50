using System.ComponentModel.DataAnnotations;

namespace OutreachFunctions.Standalone;

/// <summary>The Azure Storage queue the standalone runtime uses between ingest and delivery.</summary>
public sealed class StandaloneQueueOptions
{
    /// <summary>The configuration section (shared with the delivery settings).</summary>
    public const string SectionName = "Delivery";

    /// <summary>The queue name: lower-case letters, digits and hyphens, 3 to 63 characters.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Delivery:QueueName must be a valid Azure Storage queue name.")]
    public string QueueName { get; set; } = "prospect-updates";

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
    public TimeSpan MaxIdlePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The queue undecodable messages are moved to, so they are kept for inspection and never block the queue.</summary>
    public string PoisonQueueName => QueueName + "-poison";
}

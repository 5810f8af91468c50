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
}

using System.ComponentModel.DataAnnotations;

namespace OutreachFunctions.Standalone;

/// <summary>The shared secret AEP sends as <c>Authorization: Bearer …</c> to the standalone ingest endpoint.</summary>
/// <remarks>
/// AEP's HTTP API destination offers a static bearer token (docs/reference/aep.md §1.1). In Azure the Functions host
/// authenticates ingest with a function key instead; this secret is only for the standalone runtime.
/// </remarks>
public sealed class IngestAuthenticationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ingest";

    /// <summary>The bearer secret; at least 32 characters so it cannot be guessed.</summary>
    [Required(ErrorMessage = "The setting Ingest:BearerSecret is missing: the standalone ingest endpoint never runs unauthenticated.")]
    [MinLength(32, ErrorMessage = "The setting Ingest:BearerSecret must be at least 32 characters.")]
    public string BearerSecret { get; set; } = "";
}

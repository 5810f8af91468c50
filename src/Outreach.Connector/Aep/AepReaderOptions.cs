using System.ComponentModel.DataAnnotations;

namespace Outreach.Connector.Aep;

/// <summary>Limits on one AEP export request; bound from the configuration section <c>Ingest</c>.</summary>
public sealed class AepReaderOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ingest";

    /// <summary>The largest body accepted, in bytes (AEP sends at most ten profiles per request).</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The most profiles accepted in one request.</summary>
    [Range(1, 100_000)]
    public int MaxProfilesPerRequest { get; set; } = 1000;

    /// <summary>The deepest JSON nesting accepted; deeper bodies are refused before they cost anything.</summary>
    [Range(8, 256)]
    public int MaxDepth { get; set; } = 64;
}

namespace Outreach.Connector.Mapping;

/// <summary>
/// What the marketer configured: which AEP identity carries the Outreach prospect id, which audience writes which
/// custom field, which attributes are copied, and the text each audience status writes.
/// </summary>
/// <remarks>
/// The equivalent of the mapping and scheduling steps of Adobe's own Outreach destination. Loaded from the
/// configuration section <c>Mapping</c> and/or the JSON file named by <c>Mapping:File</c>; validated at start by
/// <see cref="DestinationMappingValidator"/>.
/// </remarks>
public sealed class DestinationMapping
{
    /// <summary>The configuration section the mapping is bound from.</summary>
    public const string SectionName = "Mapping";

    /// <summary>The AEP identity namespace whose ids are Outreach prospect ids, matched case-insensitively.</summary>
    public string IdentityNamespace { get; set; } = "Oid";

    /// <summary>Audience id → mapping ID N → prospect field <c>customN</c>.</summary>
    public IList<AudienceMapping> Audiences { get; } = [];

    /// <summary>XDM source path → Outreach prospect attribute.</summary>
    public IList<AttributeMapping> Attributes { get; } = [];

    /// <summary>The text written to <c>customN</c> for each audience status.</summary>
    public StatusValues StatusValues { get; set; } = new();
}

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

    /// <summary>
    /// How a profile finds its prospect: <c>outreachId</c> (the default) or <c>email</c>; see <see cref="Mapping.IdentityMatch"/>.
    /// </summary>
    public string? IdentityMatch { get; set; }

    /// <summary>
    /// The AEP identity namespace to read, matched case-insensitively: with <c>outreachId</c> the one holding Outreach
    /// prospect ids (<c>Oid</c> when unset); with <c>email</c> the one holding email addresses (e.g. <c>Email</c>).
    /// </summary>
    public string? IdentityNamespace { get; set; }

    /// <summary>With <c>email</c>, instead of <see cref="IdentityNamespace"/>: the XDM path of the email (e.g. <c>workEmail.address</c>).</summary>
    public string? IdentitySource { get; set; }

    /// <summary>With <c>email</c>, an optional namespace holding Outreach prospect ids (e.g. <c>Oid</c>); when a profile has one, the id wins.</summary>
    public string? OutreachIdNamespace { get; set; }

    /// <summary>With <c>email</c>: <c>skip</c> (default), <c>all</c> or <c>lowest_id</c>; see <see cref="DuplicateEmailRule"/>.</summary>
    public string? DuplicateEmails { get; set; }

    /// <summary>
    /// With <c>email</c>: <c>true</c> creates a prospect for an email no prospect holds, with the email, the mapped
    /// attributes and the audience fields of the update (default <c>false</c>: such profiles are excluded as
    /// <c>no_prospect_for_email</c>).
    /// </summary>
    public string? CreateProspects { get; set; }

    /// <summary>
    /// With <see cref="CreateProspects"/>: values set on new prospects only, by Outreach attribute (<c>source</c>,
    /// <c>tags</c> as a comma-separated list, …) or <c>ownerId</c> (the Outreach user who owns them). A mapped attribute
    /// of the profile wins over a default of the same name.
    /// </summary>
    public IDictionary<string, string?> NewProspectDefaults { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Audience id → mapping ID N → prospect field <c>customN</c>.</summary>
    public IList<AudienceMapping> Audiences { get; } = [];

    /// <summary>XDM source path → Outreach prospect attribute.</summary>
    public IList<AttributeMapping> Attributes { get; } = [];

    /// <summary>The text written to <c>customN</c> for each audience status.</summary>
    public StatusValues StatusValues { get; set; } = new();

    /// <summary>
    /// Keys of the file or of the <c>Mapping</c> settings that are not mapping keys (a misspelling, or a key of a newer
    /// version), each as a sentence naming the nearest known key; filled while loading, reported by the validator.
    /// Internal, so the configuration binder never binds it.
    /// </summary>
    internal List<string> KeyProblems { get; } = [];
}

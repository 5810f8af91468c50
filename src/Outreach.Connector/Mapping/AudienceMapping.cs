using Outreach.Connector.Outreach;

namespace Outreach.Connector.Mapping;

/// <summary>One audience exported to Outreach: its status is written to the prospect field <c>custom{MappingId}</c>.</summary>
public sealed class AudienceMapping
{
    /// <summary>The AEP audience (segment) id, as it appears under <c>segmentMembership</c>.</summary>
    public string AudienceId { get; set; } = "";

    /// <summary>A display name for messages and reports; optional.</summary>
    public string? Name { get; set; }

    /// <summary>The number N of Outreach's "Custom Field N" (1 to 150), as typed in AEP's "Mapping ID".</summary>
    public int MappingId { get; set; }

    /// <summary>Optional: the Outreach sequence a prospect is enrolled in when it enters this audience (<see cref="SequenceProblems"/>).</summary>
    public AudienceSequence? Sequence { get; set; }

    /// <summary>
    /// With <see cref="Sequence"/>: <c>true</c> also enrols prospects whose status is <c>existing</c> (already members when the
    /// audience was activated, i.e. the backfill); default <c>false</c>, only <c>realized</c> (newly entered) enrols.
    /// </summary>
    public string? EnrolExisting { get; set; }

    /// <summary>The prospect attribute this audience writes, e.g. <c>custom7</c>.</summary>
    public string FieldName => OutreachProspectAttributes.CustomFieldName(MappingId);

    /// <summary>How messages name the audience: its name when configured, else its id.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? AudienceId : Name;
}

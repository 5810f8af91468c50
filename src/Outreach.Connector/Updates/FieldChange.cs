namespace Outreach.Connector.Updates;

/// <summary>One prospect attribute to write, with the time its value was observed in AEP.</summary>
/// <param name="Value">The value to write.</param>
/// <param name="ObservedAt">
/// When AEP observed the value: the audience's <c>lastQualificationTime</c> for an audience field, the export's
/// receipt time for a mapped attribute. Delivery never overwrites a field with a value observed earlier.
/// </param>
/// <param name="AudienceId">For a <c>customN</c> audience field, the AEP audience it reports; otherwise null.</param>
public sealed record FieldChange(FieldValue Value, DateTimeOffset ObservedAt, string? AudienceId = null);

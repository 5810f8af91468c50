namespace Outreach.Connector.Delivery.Ledger;

/// <summary>The prospect attribute an Outreach error points at, and for <c>customN</c> the AEP audience and mapping ID behind it.</summary>
/// <param name="Field">The attribute name from the error's source pointer (<c>custom7</c>, <c>emails</c>).</param>
/// <param name="AudienceId">For <c>customN</c>: the audience whose status the field carries, from the update; null if unknown.</param>
/// <param name="MappingId">For <c>customN</c>: N, the audience's mapping ID in the destination configuration.</param>
public sealed record RejectedField(string Field, string? AudienceId, int? MappingId);

using Outreach.Connector.Delivery.Coalescing;

namespace Outreach.Connector.Delivery.Versions;

/// <summary>The fields left to send after <see cref="StaleFieldFilter"/>, and how many were dropped.</summary>
/// <param name="Fresh">Fields newer than what Outreach has; the PATCH sends these.</param>
/// <param name="Stale">Fields observed earlier than the applied value.</param>
/// <param name="Duplicate">Fields whose exact version was already applied.</param>
public sealed record FieldFilterResult(IReadOnlyDictionary<string, CoalescedField> Fresh, int Stale, int Duplicate);

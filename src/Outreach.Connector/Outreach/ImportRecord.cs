using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>One record of a <c>bulkUpsert</c>: an existing prospect and only the attributes it needs.</summary>
/// <param name="ProspectId">The prospect's Outreach id (positive; a record without one would be a new prospect).</param>
/// <param name="Attributes">The attributes to set on it, each a writable prospect attribute.</param>
public sealed record ImportRecord(long ProspectId, IReadOnlyList<KeyValuePair<string, FieldValue>> Attributes);

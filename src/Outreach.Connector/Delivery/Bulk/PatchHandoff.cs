using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>
/// What the bulk pass hands the PATCH path about one prospect it leaves to it, so that path neither reads the store
/// again nor writes it twice.
/// </summary>
/// <param name="Versions">
/// The prospect's stored versions as the pass last read or wrote them while the batch held its claim; null when unknown
/// (the PATCH path reads them).
/// </param>
/// <param name="Unchanged">
/// Fields Outreach already holds whose versions are not recorded yet: the PATCH does not send them, and records them with
/// the fields it sends (or alone when it sends nothing or is rejected).
/// </param>
public sealed record PatchHandoff(AppliedFieldVersions? Versions, IReadOnlyDictionary<string, CoalescedField> Unchanged)
{
    /// <summary>No unchanged fields to carry.</summary>
    public static IReadOnlyDictionary<string, CoalescedField> NoneUnchanged { get; } = new Dictionary<string, CoalescedField>(StringComparer.Ordinal);
}

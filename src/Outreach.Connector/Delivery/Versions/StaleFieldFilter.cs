using Outreach.Connector.Delivery.Coalescing;

namespace Outreach.Connector.Delivery.Versions;

/// <summary>Drops fields that would take a prospect back in time, or that Outreach already has.</summary>
public static class StaleFieldFilter
{
    /// <summary>Splits coalesced fields into those to send and the stale or duplicate ones to drop.</summary>
    /// <remarks>
    /// A field is sent only when its version is newer than the applied one. Same version and same value: already
    /// applied (a redelivery), dropped as duplicate. Same version but a different value cannot be ordered; the applied
    /// value stays, so that redelivering either message never flips the field back and forth.
    /// </remarks>
    public static FieldFilterResult Filter(IReadOnlyDictionary<string, CoalescedField> fields, IReadOnlyDictionary<string, FieldVersion> applied)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(applied);
        var fresh = new Dictionary<string, CoalescedField>(StringComparer.Ordinal);
        int stale = 0, duplicate = 0;
        foreach (var (name, field) in fields)
        {
            if (!applied.TryGetValue(name, out var current))
            {
                fresh.Add(name, field);
                continue;
            }

            var order = field.Version.CompareOrder(current);
            if (order > 0)
            {
                fresh.Add(name, field);
            }
            else if (order == 0 && string.Equals(field.Version.ValueHash, current.ValueHash, StringComparison.Ordinal))
            {
                duplicate++;
            }
            else
            {
                stale++;
            }
        }

        return new FieldFilterResult(fresh, stale, duplicate);
    }
}

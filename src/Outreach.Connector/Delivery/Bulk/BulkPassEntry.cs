using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>
/// One prospect's state in a <see cref="BulkPass"/>: the fields left to send, those Outreach already has unchanged, and
/// what the pass knows of its stored versions.
/// </summary>
internal sealed class BulkPassEntry(CoalescedUpdate group, AppliedFieldVersions applied, IReadOnlyDictionary<string, CoalescedField> fresh)
{
    public CoalescedUpdate Group { get; } = group;

    // Nothing was ever recorded for this prospect when the pass read it: a candidate for read-before-write.
    public bool NeverWritten { get; } = applied.ETag is null;

    // Whether the versions of Unchanged are in the store (else the PATCH path records them with its write).
    public bool UnchangedRecorded { get; set; }

    // The prospect's versions as the store holds them after the pass's own writes; null when unknown (a write whose
    // response carried no ETag), and the next writer reads first.
    public AppliedFieldVersions? Known { get; set; } = applied;

    public IReadOnlyDictionary<string, CoalescedField> Fresh { get; private set; } = fresh;

    public Dictionary<string, CoalescedField> Unchanged { get; } = new(StringComparer.Ordinal);

    public int Stale { get; set; }

    public int Duplicate { get; set; }

    public void AddUnchanged(IReadOnlyDictionary<string, CoalescedField> fields)
    {
        foreach (var (name, field) in fields)
        {
            Unchanged[name] = field;
        }

        Fresh = UnchangedFields.Without(Fresh, fields);
    }

    public IReadOnlyDictionary<string, FieldVersion> FreshVersions() =>
        Fresh.ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
}

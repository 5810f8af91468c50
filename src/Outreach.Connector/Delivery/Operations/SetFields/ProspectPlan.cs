using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// One prospect's plan for a batch, made once (<see cref="FieldPlanner"/> plans every prospect the batch holds): the fields
/// to send, the fields Outreach already has unchanged, and what is known of its stored versions. Whatever writes the
/// prospect (a shared bulk action or its own PATCH) works from this plan and never reads or filters again.
/// </summary>
/// <param name="group">The prospect's coalesced update.</param>
/// <param name="applied">Its stored versions as read when planning.</param>
/// <param name="fresh">The fields newer than the stored versions (stale and duplicate ones already dropped).</param>
public sealed class ProspectPlan(CoalescedUpdate group, AppliedFieldVersions applied, IReadOnlyDictionary<string, CoalescedField> fresh)
{
    /// <summary>The prospect's coalesced update.</summary>
    public CoalescedUpdate Group { get; } = group;

    /// <summary>Nothing was ever recorded for this prospect when it was planned: a candidate for read-before-write.</summary>
    public bool NeverWritten { get; } = applied.ETag is null;

    /// <summary>Whether the versions of <see cref="Unchanged"/> are in the store (else the write records them with its own).</summary>
    public bool UnchangedRecorded { get; set; }

    /// <summary>
    /// The prospect's versions as the store holds them after this batch's own writes; null when unknown (a write whose
    /// response carried no ETag), and the next writer reads first. The batch holds the prospect's claim, so no other
    /// drainer writes it in between.
    /// </summary>
    public AppliedFieldVersions? Known { get; set; } = applied;

    /// <summary>The fields still to send.</summary>
    public IReadOnlyDictionary<string, CoalescedField> Fresh { get; private set; } = fresh;

    /// <summary>Fields newer than the stored versions whose value Outreach already holds: not sent, but recorded.</summary>
    public Dictionary<string, CoalescedField> Unchanged { get; } = new(StringComparer.Ordinal);

    /// <summary>Fields dropped because a newer value was already applied.</summary>
    public int Stale { get; init; }

    /// <summary>Fields dropped because exactly this version was already applied.</summary>
    public int Duplicate { get; init; }

    /// <summary>What a successful write of <see cref="Fresh"/> records: those fields and the unchanged ones not yet recorded.</summary>
    public IReadOnlyDictionary<string, CoalescedField> RecordedOnWrite() =>
        UnchangedRecorded ? Fresh : Fresh.Concat(Unchanged).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    /// <summary>Moves <paramref name="fields"/> from the fields to send to the unchanged ones.</summary>
    public void AddUnchanged(IReadOnlyDictionary<string, CoalescedField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var (name, field) in fields)
        {
            Unchanged[name] = field;
        }

        Fresh = UnchangedFields.Without(Fresh, fields);
    }

    /// <summary>The versions of the fields to send.</summary>
    public IReadOnlyDictionary<string, FieldVersion> FreshVersions() =>
        Fresh.ToDictionary(pair => pair.Key, pair => pair.Value.Version, StringComparer.Ordinal);
}

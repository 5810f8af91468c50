using System.Text.Json;

namespace Outreach.Sandbox.Batches;

/// <summary>One prospect of a batch: pending until processed, then done or failed with <see cref="Info"/>.</summary>
internal sealed class BatchItem(long id, long batchId, long prospectId, IReadOnlyList<KeyValuePair<string, JsonElement>> changes, DateTimeOffset createdAt)
{
    public long Id { get; } = id;

    public long BatchId { get; } = batchId;

    /// <summary>The prospect this item modifies; Outreach exposes it only inside <c>data</c>.</summary>
    public long ProspectId { get; } = prospectId;

    public IReadOnlyList<KeyValuePair<string, JsonElement>> Changes { get; } = changes;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset UpdatedAt { get; private set; } = createdAt;

    public bool Processed { get; private set; }

    public bool Failed { get; private set; }

    /// <summary>The failure text (Outreach: at most 767 characters); null when the item succeeded or is pending.</summary>
    public string? Info { get; private set; }

    public void Complete(string? failure, DateTimeOffset at)
    {
        Processed = true;
        Failed = failure is not null;
        Info = failure;
        UpdatedAt = at;
    }
}

using System.Text.Json;

namespace Outreach.Sandbox.Batches;

/// <summary>
/// One bulk action's asynchronous job. Its items are processed in order at the configured rate from
/// <see cref="StartedAt"/>; it waits for confirmation first unless the call skipped it.
/// </summary>
/// <remarks>
/// State names are the sandbox's own (Outreach publishes none): clients must test <c>finishedAt</c> or <c>pending</c>.
/// </remarks>
internal sealed class Batch(long id, string action, IReadOnlyList<KeyValuePair<string, JsonElement>> changes, DateTimeOffset createdAt)
{
    public const string AwaitingConfirmation = "pending_confirmation";
    public const string Processing = "processing";
    public const string Finished = "finished";

    public long Id { get; } = id;

    public string Action { get; } = action;

    /// <summary>
    /// What processing one item does for actions other than <c>prospectsBulkModify</c> (e.g. enrol the prospect):
    /// given the prospect id, returns the failure text or null. Null here means "apply <see cref="Changes"/>".
    /// </summary>
    public Func<long, string?>? ItemAction { get; init; }

    /// <summary>The field:value pairs every item applies (the request's payload).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonElement>> Changes { get; } = changes;

    public List<BatchItem> Items { get; } = [];

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset UpdatedAt { get; set; } = createdAt;

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>How many items have been processed (they are processed in order).</summary>
    public int ProcessedCount { get; set; }

    public int Total => Items.Count;

    public int Pending => Total - ProcessedCount;

    public int Failures { get; set; }

    public string State => FinishedAt is not null ? Finished : StartedAt is not null ? Processing : AwaitingConfirmation;
}

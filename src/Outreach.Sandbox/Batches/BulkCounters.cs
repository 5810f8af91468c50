namespace Outreach.Sandbox.Batches;

/// <summary>What the sandbox saw of bulk actions since start or the last reset (part of <c>GET /admin/counters</c>).</summary>
public sealed record BulkCounters
{
    /// <summary>Bulk action calls that created a batch (<c>prospectsBulkModify</c>, <c>prospectsAddToSequence</c>, <c>prospectsFinishAll</c>, <c>prospectsPauseAll</c>).</summary>
    public long Calls { get; init; }

    /// <summary>Calls without an id filter in the query string (ids only in the body, or none at all).</summary>
    public long WithoutQueryFilter { get; init; }

    /// <summary>Calls that acted on EVERY prospect because nothing selected them: tests and benchmarks assert 0.</summary>
    public long Unfiltered { get; init; }

    /// <summary>Items created by all calls (the prospects they selected).</summary>
    public long Items { get; init; }

    /// <summary>Batches kept.</summary>
    public long Batches { get; init; }

    /// <summary>Items processed so far.</summary>
    public long ItemsProcessed { get; init; }

    /// <summary>Items that failed (unknown prospect, validation error).</summary>
    public long ItemsFailed { get; init; }
}

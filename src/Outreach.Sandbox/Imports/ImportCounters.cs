namespace Outreach.Sandbox.Imports;

/// <summary>What the sandbox saw of <c>bulkUpsert</c> since start or the last reset (part of <c>GET /admin/counters</c>).</summary>
public sealed record ImportCounters
{
    /// <summary><c>bulkUpsert</c> calls that created an import (refused calls are not counted).</summary>
    public long Calls { get; init; }

    /// <summary>Records sent in those calls.</summary>
    public long Records { get; init; }

    /// <summary>Imports kept.</summary>
    public long Imports { get; init; }

    /// <summary>Imports that finished (completed or failed).</summary>
    public long ImportsFinished { get; init; }

    /// <summary>Records whose attributes were written to an existing prospect.</summary>
    public long RecordsApplied { get; init; }

    /// <summary>Records counted in an import's <c>failures</c>.</summary>
    public long RecordsFailed { get; init; }

    /// <summary>Records that matched an existing prospect (an import's <c>dupes</c>).</summary>
    public long Dupes { get; init; }

    /// <summary>Prospects CREATED by imports: a connector that only updates must leave this at 0 (the sandbox's dispose guard checks it).</summary>
    public long ProspectsCreated { get; init; }
}

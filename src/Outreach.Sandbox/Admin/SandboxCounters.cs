using Outreach.Sandbox.Batches;
using Outreach.Sandbox.OAuth;
using Outreach.Sandbox.Prospects;
using Outreach.Sandbox.RateLimiting;
using Outreach.Sandbox.Sequences;

namespace Outreach.Sandbox.Admin;

/// <summary>What "Outreach saw" since start or the last reset, as returned by <c>GET /admin/counters</c>.</summary>
public sealed record SandboxCounters
{
    /// <summary>Every logged call (API and OAuth).</summary>
    public required long TotalRequests { get; init; }

    /// <summary>Calls per status code; 499 means the client aborted.</summary>
    public required IReadOnlyDictionary<string, long> ByStatus { get; init; }

    /// <summary>Calls per injected fault kind.</summary>
    public required IReadOnlyDictionary<string, long> ByFault { get; init; }

    /// <summary>Calls per user.</summary>
    public required IReadOnlyList<UserCounters> Users { get; init; }

    /// <summary>Each user's rate-limit windows, oldest first (the per-window request counts Outreach enforces).</summary>
    public required IReadOnlyList<RateLimitWindow> RateLimitWindows { get; init; }

    /// <summary>Prospect PATCHes that changed the store (200s).</summary>
    public required long ProspectsPatched { get; init; }

    /// <summary>Bulk actions: calls, calls without a query filter, calls that hit every prospect (assert 0), items.</summary>
    public BulkCounters Bulk { get; init; } = new();

    /// <summary>Imports (<c>bulkUpsert</c>): calls, records, failures, dupes, prospects created (assert 0).</summary>
    public Imports.ImportCounters Imports { get; init; } = new();
    /// <summary>Prospect creates: created, duplicates made (assert 0), refusals, dropped answers.</summary>
    public ProspectCreationCounters ProspectCreation { get; init; } = new();

    /// <summary>Sequences: enrolments, repeat enrolments of one (prospect, sequence) (assert 0), refusals, state changes.</summary>
    public SequenceCounters Sequences { get; init; } = new();

    /// <summary>Token endpoint activity.</summary>
    public required OAuthCounters OAuth { get; init; }
}

using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Outcomes;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>What the bulk pass leaves to the engine: prospects to defer, prospects already complete, and counts.</summary>
/// <param name="Deferred">Prospects whose messages wait (a bulk job in flight writes one of their fields), with when to try again.</param>
/// <param name="Completed">
/// Prospects that need no PATCH: written by a finished bulk job (<see cref="CompletionReason.Applied"/>), or holding
/// nothing Outreach does not already have (<see cref="CompletionReason.UpToDate"/>); their messages are complete.
/// </param>
/// <param name="Counts">Counter increments (<see cref="BulkCounterNames"/>, and the delivery counters of the completed prospects).</param>
/// <param name="AudiencesWritten">Audiences whose field a bulk job wrote.</param>
public sealed record BulkPassResult(
    IReadOnlyList<(CoalescedUpdate Group, DateTimeOffset Until)> Deferred,
    IReadOnlyList<(CoalescedUpdate Group, CompletionReason Reason)> Completed,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyCollection<string> AudiencesWritten)
{
    /// <summary>Nothing deferred, nothing completed, nothing counted.</summary>
    public static BulkPassResult Empty { get; } = new([], [], new Dictionary<string, long>(), []);
}

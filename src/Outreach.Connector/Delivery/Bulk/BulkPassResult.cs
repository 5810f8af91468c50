namespace Outreach.Connector.Delivery.Bulk;

/// <summary>What the bulk pass leaves to the engine: prospects to defer, and counts for the hourly counters.</summary>
/// <param name="Deferred">Prospects whose messages wait (a bulk job in flight writes one of their fields), with when to try again.</param>
/// <param name="Counts">Counter increments (<see cref="BulkCounterNames"/>).</param>
public sealed record BulkPassResult(IReadOnlyList<(CoalescedUpdate Group, DateTimeOffset Until)> Deferred, IReadOnlyDictionary<string, long> Counts)
{
    /// <summary>Nothing deferred, nothing counted.</summary>
    public static BulkPassResult Empty { get; } = new([], new Dictionary<string, long>());
}

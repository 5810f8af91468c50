namespace Outreach.Connector.Delivery.Counters;

/// <summary>The counters of one hour, summed over every writer.</summary>
/// <param name="Hour">The start of the hour (UTC).</param>
/// <param name="Values">Counter name to total; counters never incremented in the hour are absent.</param>
public sealed record HourlyCounters(DateTimeOffset Hour, IReadOnlyDictionary<string, long> Values)
{
    /// <summary>The total of one counter (0 when absent).</summary>
    public long this[string name] => Values.TryGetValue(name, out var value) ? value : 0;
}

namespace Outreach.Connector.Delivery.Claims;

/// <summary>Settings of the per-prospect claims that keep writes to one prospect in order (configuration section <c>Delivery:Claims</c>).</summary>
public sealed class ProspectClaimOptions
{
    /// <summary>The configuration section these options bind to (app settings <c>Delivery__Claims__*</c>).</summary>
    public const string SectionName = "Delivery:Claims";

    /// <summary>Shortest allowed <see cref="LeaseDuration"/>: a claim is renewed at half its lease, which must outlast one send.</summary>
    public static readonly TimeSpan MinLeaseDuration = TimeSpan.FromSeconds(15);

    /// <summary>Longest allowed <see cref="LeaseDuration"/>: how long a prospect can stay blocked after its drainer died.</summary>
    public static readonly TimeSpan MaxLeaseDuration = TimeSpan.FromMinutes(30);

    /// <summary>Longest allowed <see cref="ConflictDelay"/>.</summary>
    public static readonly TimeSpan MaxConflictDelay = TimeSpan.FromMinutes(5);

    /// <summary>Most allowed <see cref="Shards"/>.</summary>
    public const int MaxShards = 1000;

    /// <summary>
    /// How long a claim lasts without renewal (15 s .. 30 min). A drainer renews its claims when half of it has passed;
    /// a drainer that dies leaves its prospects blocked for at most this long. Must exceed the clock skew between instances.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a message waits when another drainer holds its prospect (0 .. 5 min). The message is deferred without
    /// using an attempt; the other drainer usually releases the prospect within one batch.
    /// </summary>
    public TimeSpan ConflictDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Partitions the claims table is split into (1 .. 1000), by prospect id. Claims of one partition are taken in one
    /// table transaction, so fewer shards mean fewer round trips per batch and more shards spread the load.
    /// </summary>
    public int Shards { get; set; } = 32;
}

namespace Outreach.Connector.Outreach;

/// <summary>Learns what Outreach's rate-limit headers said on every answer (the shared request budget's correction).</summary>
/// <remarks>Called by <see cref="OutreachRateLimitHandler"/> for every answer, whatever the operation; must not throw for storage failures.</remarks>
public interface IRateLimitObserver
{
    /// <summary>Takes the rate-limit headers of one answer into account.</summary>
    Task ObserveAsync(RateLimitSnapshot snapshot, CancellationToken cancellationToken);
}

namespace Outreach.Connector.Delivery.DryRun;

/// <summary>The dry-run switch (configuration <c>Delivery:DryRun</c>), bound from the same section as <see cref="DeliveryOptions"/>.</summary>
public sealed class DryRunOptions
{
    /// <summary>
    /// True: the connector ingests, queues, coalesces, filters and paces as usual but never sends the PATCH; it records
    /// what it would have changed in the <c>{prefix}DryRun</c> table and counts it under <c>DryRunApplied</c>.
    /// </summary>
    public bool DryRun { get; set; }
}

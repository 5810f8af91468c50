namespace Outreach.Connector.Delivery.Budget;

/// <summary>How the shared <see cref="RequestBudget"/> hands out the requests of a window.</summary>
/// <remarks>
/// Whether Outreach counts its limit in fixed or rolling hours is UNCONFIRMED (docs/reference/outreach-api.md §4), so the budget
/// can pace for either: <see cref="Spread"/> is safe under both, <see cref="Burst"/> only under a fixed window.
/// </remarks>
public enum PacingMode
{
    /// <summary>
    /// Permits accrue evenly over the window (a token bucket holding at most
    /// <see cref="DeliveryOptions.BurstPermits"/>), and never more than the window's limit. Any interval of one
    /// window length then sees at most limit − margin + burst requests, so neither a fixed nor a rolling window
    /// is exceeded when <see cref="DeliveryOptions.BurstPermits"/> ≤ <see cref="DeliveryOptions.SafetyMargin"/>.
    /// </summary>
    Spread = 0,

    /// <summary>
    /// The whole window's allowance is available at once; drainers send until it is used, then wait for the
    /// reset. Most throughput right after a reset, but a rolling window would see two bursts in one hour.
    /// </summary>
    Burst = 1,
}

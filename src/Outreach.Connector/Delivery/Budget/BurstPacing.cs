namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// The whole window's allowance is available at once; drainers send until it is used, then wait for the reset. Most
/// throughput right after a reset, but a rolling window would see two bursts in one hour.
/// </summary>
internal sealed class BurstPacing : PacingRule
{
    private BurstPacing()
    {
    }

    /// <summary>The one instance (the rule has no state).</summary>
    public static BurstPacing Instance { get; } = new();

    /// <inheritdoc />
    public override BudgetState AdvanceTo(BudgetState state, DateTimeOffset now, BudgetRules rules) => state;

    /// <inheritdoc />
    public override int Available(BudgetState state, int inWindow) => inWindow;

    /// <inheritdoc />
    public override BudgetState Take(BudgetState state, int permits) => state;

    /// <inheritdoc />
    public override BudgetState Release(BudgetState state, int permits, BudgetRules rules) => state;

    /// <inheritdoc />
    public override DateTimeOffset NextPermitAt(BudgetState state, DateTimeOffset now, BudgetRules rules) => now;

    /// <inheritdoc />
    public override int MaxPermitsAtOnce(DeliveryOptions options) => Math.Max(1, options.RequestsPerWindow - options.SafetyMargin);
}

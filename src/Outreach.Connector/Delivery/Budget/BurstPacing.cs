namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// The whole window's allowance is available at once; drainers send until it is used, then wait for the reset. Most
/// throughput right after a reset, but a rolling window would see two bursts in one hour.
/// </summary>
internal sealed class BurstPacing(DeliveryOptions options) : BudgetRules(options)
{
    /// <inheritdoc />
    public override BudgetState AdvanceTo(BudgetState state, DateTimeOffset now) => state;

    /// <inheritdoc />
    public override int Available(BudgetState state, int inWindow) => inWindow;

    /// <inheritdoc />
    public override BudgetState Take(BudgetState state, int permits) => state;

    /// <inheritdoc />
    public override BudgetState Release(BudgetState state, int permits) => state;

    /// <inheritdoc />
    public override DateTimeOffset NextPermitAt(BudgetState state, DateTimeOffset now) => now;

    /// <inheritdoc />
    public override int MaxPermitsAtOnce() => Math.Max(1, Options.RequestsPerWindow - Options.SafetyMargin);
}

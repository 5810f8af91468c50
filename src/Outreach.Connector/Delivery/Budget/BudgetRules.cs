namespace Outreach.Connector.Delivery.Budget;

/// <summary>The settings the budget's arithmetic follows, with the pacing rule chosen once from them.</summary>
/// <param name="Options">The delivery settings (limit, margin, window, burst).</param>
/// <param name="Pacing">The rule <see cref="DeliveryOptions.PacingMode"/> names.</param>
internal sealed record BudgetRules(DeliveryOptions Options, PacingRule Pacing)
{
    /// <summary>The rules of <paramref name="options"/>: the one place the pacing setting is read.</summary>
    public static BudgetRules For(DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new BudgetRules(options, PacingRule.For(options.PacingMode));
    }
}

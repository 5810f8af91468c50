namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// How the shared request budget hands out a window's requests: chosen once from <see cref="DeliveryOptions.PacingMode"/>
/// (<see cref="For"/>), then asked by <see cref="BudgetState"/> and the permit taker instead of checking the setting.
/// </summary>
/// <remarks>
/// A new pacing rule is a new subclass and one case in <see cref="For"/>. Whether Outreach counts its limit in fixed or
/// rolling hours is UNCONFIRMED (docs/reference/outreach-api.md §4): <see cref="SpreadPacing"/> is safe under both,
/// <see cref="BurstPacing"/> only under a fixed window.
/// </remarks>
internal abstract class PacingRule
{
    /// <summary>The rule the setting names.</summary>
    public static PacingRule For(PacingMode mode) => mode switch
    {
        PacingMode.Spread => SpreadPacing.Instance,
        PacingMode.Burst => BurstPacing.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Delivery:PacingMode must be Spread or Burst."),
    };

    /// <summary>Brings the state's pacing up to <paramref name="now"/> (the window has already rolled).</summary>
    public abstract BudgetState AdvanceTo(BudgetState state, DateTimeOffset now, BudgetRules rules);

    /// <summary>Permits that can be taken now, given <paramref name="inWindow"/> left in the window's allowance.</summary>
    public abstract int Available(BudgetState state, int inWindow);

    /// <summary>The pacing's part of handing out <paramref name="permits"/>.</summary>
    public abstract BudgetState Take(BudgetState state, int permits);

    /// <summary>The pacing's part of giving back <paramref name="permits"/> never used.</summary>
    public abstract BudgetState Release(BudgetState state, int permits, BudgetRules rules);

    /// <summary>When pacing allows the next permit, the window having some left; <paramref name="now"/> when it already does.</summary>
    public abstract DateTimeOffset NextPermitAt(BudgetState state, DateTimeOffset now, BudgetRules rules);

    /// <summary>The most permits one call should ask for: what the budget can hand out without a long wait.</summary>
    public abstract int MaxPermitsAtOnce(DeliveryOptions options);
}

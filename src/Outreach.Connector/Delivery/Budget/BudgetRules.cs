namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// The settings the budget's arithmetic follows and how it hands out a window's requests: chosen once from
/// <see cref="DeliveryOptions.PacingMode"/> (<see cref="For"/>), then asked by <see cref="BudgetState"/> and the permit
/// taker instead of checking the setting.
/// </summary>
/// <remarks>
/// A new pacing is a new subclass and one case in <see cref="For"/>. Whether Outreach counts its limit in fixed or
/// rolling hours is UNCONFIRMED (docs/reference/outreach-api.md §4): <see cref="SpreadPacing"/> is safe under both,
/// <see cref="BurstPacing"/> only under a fixed window.
/// </remarks>
internal abstract class BudgetRules(DeliveryOptions options)
{
    /// <summary>The delivery settings (limit, margin, window, burst).</summary>
    public DeliveryOptions Options { get; } = options;

    /// <summary>The rules of <paramref name="options"/>: the one place the pacing setting is read.</summary>
    public static BudgetRules For(DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.PacingMode switch
        {
            PacingMode.Spread => new SpreadPacing(options),
            PacingMode.Burst => new BurstPacing(options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.PacingMode, "Delivery:PacingMode must be Spread or Burst."),
        };
    }

    /// <summary>Brings the state's pacing up to <paramref name="now"/> (the window has already rolled).</summary>
    public abstract BudgetState AdvanceTo(BudgetState state, DateTimeOffset now);

    /// <summary>Permits that can be taken now, given <paramref name="inWindow"/> left in the window's allowance.</summary>
    public abstract int Available(BudgetState state, int inWindow);

    /// <summary>The pacing's part of handing out <paramref name="permits"/>.</summary>
    public abstract BudgetState Take(BudgetState state, int permits);

    /// <summary>The pacing's part of giving back <paramref name="permits"/> never used.</summary>
    public abstract BudgetState Release(BudgetState state, int permits);

    /// <summary>When pacing allows the next permit, the window having some left; <paramref name="now"/> when it already does.</summary>
    public abstract DateTimeOffset NextPermitAt(BudgetState state, DateTimeOffset now);

    /// <summary>The most permits one call should ask for: what the budget can hand out without a long wait.</summary>
    public abstract int MaxPermitsAtOnce();
}

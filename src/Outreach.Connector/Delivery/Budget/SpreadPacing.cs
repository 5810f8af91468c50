namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// Permits accrue evenly over the window (a token bucket holding at most <see cref="DeliveryOptions.BurstPermits"/>),
/// and never more than the window's limit. Any interval of one window length then sees at most limit − margin + burst
/// requests, so neither a fixed nor a rolling window is exceeded when burst ≤ <see cref="DeliveryOptions.SafetyMargin"/>.
/// </summary>
internal sealed class SpreadPacing(DeliveryOptions options) : BudgetRules(options)
{
    // Token arithmetic is floating point; 0.9999999999 tokens must count as one.
    private const double TokenEpsilon = 1e-6;

    /// <inheritdoc />
    public override BudgetState AdvanceTo(BudgetState state, DateTimeOffset now)
    {
        if (now <= state.TokensAt)
        {
            return state;
        }

        var accrued = (now - state.TokensAt).TotalSeconds * RatePerSecond(state);
        return state with { Tokens = Math.Min(Options.BurstPermits, state.Tokens + accrued), TokensAt = now };
    }

    /// <inheritdoc />
    public override int Available(BudgetState state, int inWindow) =>
        Math.Min(inWindow, (int)Math.Floor(Math.Max(0, state.Tokens) + TokenEpsilon));

    /// <inheritdoc />
    public override BudgetState Take(BudgetState state, int permits) => state with { Tokens = state.Tokens - permits };

    /// <inheritdoc />
    public override BudgetState Release(BudgetState state, int permits) =>
        state with { Tokens = Math.Min(Options.BurstPermits, state.Tokens + permits) };

    /// <inheritdoc />
    public override DateTimeOffset NextPermitAt(BudgetState state, DateTimeOffset now)
    {
        var rate = RatePerSecond(state);
        if (state.Tokens + TokenEpsilon >= 1 || rate <= 0)
        {
            return now;
        }

        var accrual = TimeSpan.FromSeconds((1 - Math.Max(0, state.Tokens)) / rate);
        var at = (state.TokensAt > now ? state.TokensAt : now) + accrual;
        var windowEnd = state.WindowEnd(this);
        return at < windowEnd ? at : windowEnd;
    }

    /// <inheritdoc />
    public override int MaxPermitsAtOnce() => Options.BurstPermits;

    private double RatePerSecond(BudgetState state) => state.Allowance(this) / Options.Window.TotalSeconds;
}

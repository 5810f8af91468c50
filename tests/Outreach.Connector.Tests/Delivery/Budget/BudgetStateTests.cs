using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Outreach;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Budget;

public sealed class BudgetStateTests
{
    // The pacing rule is chosen once from the setting, as RequestBudget does.
    private static readonly BudgetRules Burst = BudgetRules.For(new DeliveryOptions
    {
        RequestsPerWindow = 100, SafetyMargin = 5, Window = TimeSpan.FromMinutes(10), PacingMode = PacingMode.Burst, BurstPermits = 10,
    });

    private static readonly BudgetRules Spread = BudgetRules.For(new DeliveryOptions
    {
        RequestsPerWindow = 100, SafetyMargin = 10, Window = TimeSpan.FromMinutes(10), PacingMode = PacingMode.Spread, BurstPermits = 10,
    });

    [Fact]
    public void Burst_pacing_offers_the_whole_allowance_less_the_margin_at_once()
    {
        var state = BudgetState.Initial(Start, Burst);

        Assert.Equal(95, state.Available(Start, Burst));
        Assert.Equal(0, state.Take(95, Burst).Available(Start, Burst));
        Assert.Equal(Start.AddMinutes(10), state.Take(95, Burst).NextPermitAt(Start, Burst));
    }

    [Fact]
    public void The_window_rolls_in_whole_windows_and_resets_the_count()
    {
        var used = BudgetState.Initial(Start, Burst).Take(95, Burst);

        var later = used.AdvanceTo(Start.AddMinutes(25), Burst);

        Assert.Equal(Start.AddMinutes(20), later.WindowStart);
        Assert.Equal(95, later.Available(Start.AddMinutes(25), Burst));
    }

    [Fact]
    public void Spread_pacing_offers_the_burst_then_accrues_permits_evenly()
    {
        var state = BudgetState.Initial(Start, Spread).Take(10, Spread);
        Assert.Equal(0, state.Available(Start, Spread));

        // 90 permits over 600 s: one every 6.67 s.
        var next = state.NextPermitAt(Start, Spread);
        Assert.InRange(next, Start.AddSeconds(6.6), Start.AddSeconds(6.7));
        var oneMinuteLater = state.AdvanceTo(Start.AddMinutes(1), Spread);
        Assert.Equal(9, oneMinuteLater.Available(Start.AddMinutes(1), Spread));
    }

    [Fact]
    public void Spread_pacing_never_stores_more_than_the_burst()
    {
        var idle = BudgetState.Initial(Start, Spread).AdvanceTo(Start.AddMinutes(9), Spread);

        Assert.Equal(10, idle.Available(Start.AddMinutes(9), Spread));
    }

    [Fact]
    public void Outreach_reporting_fewer_remaining_requests_is_adopted()
    {
        var state = BudgetState.Initial(Start, Burst).Take(10, Burst);

        var corrected = state.Correct(new RateLimitSnapshot(100, 40, null), Start, Burst);

        Assert.Equal(60, corrected.Used);
        Assert.Equal(35, corrected.Available(Start, Burst));
    }

    [Fact]
    public void Outreach_reporting_more_remaining_requests_changes_nothing()
    {
        var state = BudgetState.Initial(Start, Burst).Take(10, Burst);

        var corrected = state.Correct(new RateLimitSnapshot(100, 95, null), Start, Burst);

        Assert.Equal(state.Used, corrected.Used);
        Assert.Same(corrected, corrected.Correct(new RateLimitSnapshot(100, 95, null), Start, Burst));
    }

    [Fact]
    public void A_lower_reported_limit_lowers_the_allowance()
    {
        var corrected = BudgetState.Initial(Start, Burst).Correct(new RateLimitSnapshot(50, null, null), Start, Burst);

        Assert.Equal(45, corrected.Available(Start, Burst));
    }

    [Fact]
    public void A_reported_reset_aligns_the_window_to_it()
    {
        var state = BudgetState.Initial(Start, Burst).Take(30, Burst);

        var corrected = state.Correct(new RateLimitSnapshot(null, null, Start.AddMinutes(4)), Start.AddMinutes(1), Burst);

        Assert.Equal(Start.AddMinutes(-6), corrected.WindowStart);
        Assert.Equal(30, corrected.Used);
        Assert.Equal(0, corrected.AdvanceTo(Start.AddMinutes(4), Burst).Used);
    }

    [Fact]
    public void A_reset_within_the_tolerance_does_not_move_the_window()
    {
        var state = BudgetState.Initial(Start, Burst);

        Assert.Same(state, state.Correct(new RateLimitSnapshot(null, null, Start.AddMinutes(10).AddSeconds(1)), Start, Burst));
    }

    [Fact]
    public void Remaining_of_a_window_already_reset_is_ignored()
    {
        var state = BudgetState.Initial(Start, Burst);

        Assert.Same(state, state.Correct(new RateLimitSnapshot(null, 0, Start.AddSeconds(-1)), Start, Burst));
    }

    [Fact]
    public void A_429_blocks_until_the_retry_time_and_a_new_window_starts_then()
    {
        var blocked = BudgetState.Initial(Start, Burst).Block(Start.AddMinutes(3), Start, Burst);
        var padded = Start.AddMinutes(3) + Burst.Options.RateLimitPadding;

        Assert.Equal(0, blocked.Available(Start.AddMinutes(2), Burst));
        Assert.Equal(padded, blocked.NextPermitAt(Start.AddMinutes(2), Burst));
        Assert.Equal(95, blocked.AdvanceTo(padded, Burst).Available(padded, Burst));
    }

    [Fact]
    public void Giving_permits_back_does_not_lift_a_429_block()
    {
        var grantWindow = Start;
        var blocked = BudgetState.Initial(Start, Burst).Take(5, Burst).Block(Start.AddMinutes(3), Start, Burst);

        var released = blocked.Release(5, grantWindow, Burst).Release(5, blocked.WindowStart, Burst);

        Assert.Equal(0, released.Available(Start.AddMinutes(1), Burst));
    }

    [Fact]
    public void Permits_given_back_in_their_window_can_be_taken_again()
    {
        var state = BudgetState.Initial(Start, Burst).Take(95, Burst);

        Assert.Equal(3, state.Release(3, Start, Burst).Available(Start, Burst));
        Assert.Equal(0, state.Release(3, Start.AddMinutes(-10), Burst).Available(Start, Burst));
    }
}

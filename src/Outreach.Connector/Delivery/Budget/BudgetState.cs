using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Budget;

/// <summary>The shared request budget of one connection at a point in time, and the pure rules that change it.</summary>
/// <remarks>Kept free of storage so the arithmetic can be reasoned about (and tested) on its own; <see cref="RequestBudget"/> persists it.</remarks>
/// <param name="WindowStart">Start of the current fixed window; it ends one <see cref="DeliveryOptions.Window"/> later.</param>
/// <param name="Used">Permits handed out in the current window (raised when Outreach reports fewer remaining).</param>
/// <param name="Tokens">Spread pacing: permits accrued and not yet taken (the token bucket's level).</param>
/// <param name="TokensAt">When <paramref name="Tokens"/> was last brought up to date.</param>
/// <param name="ReportedLimit">The limit Outreach last reported in <c>X-RateLimit-Limit</c>, if any.</param>
/// <param name="BlockedUntil">After a 429: no permits for anyone before this time.</param>
internal sealed record BudgetState(
    DateTimeOffset WindowStart, int Used, double Tokens, DateTimeOffset TokensAt, int? ReportedLimit, DateTimeOffset? BlockedUntil)
{
    // Outreach's reset header has one-second resolution; re-aligning for less would only churn the shared entity.
    internal static readonly TimeSpan AlignmentTolerance = TimeSpan.FromSeconds(2);

    /// <summary>A budget that has not been used yet: a window starting now and a full bucket.</summary>
    public static BudgetState Initial(DateTimeOffset now, BudgetRules rules) => new(now, 0, rules.Options.BurstPermits, now, null, null);

    /// <summary>The configured limit, lowered to Outreach's reported limit when that is smaller.</summary>
    public int EffectiveLimit(BudgetRules rules) =>
        ReportedLimit is > 0 and var reported ? Math.Min(rules.Options.RequestsPerWindow, reported) : rules.Options.RequestsPerWindow;

    /// <summary>Permits one window may hand out: the effective limit less the safety margin.</summary>
    public int Allowance(BudgetRules rules) => Math.Max(0, EffectiveLimit(rules) - rules.Options.SafetyMargin);

    /// <summary>When the current window ends and the count starts again.</summary>
    public DateTimeOffset WindowEnd(BudgetRules rules) => WindowStart + rules.Options.Window;

    /// <summary>Rolls the window forward (keeping its phase) and refills the bucket up to <paramref name="now"/>.</summary>
    public BudgetState AdvanceTo(DateTimeOffset now, BudgetRules rules)
    {
        var state = this;
        if (now >= WindowEnd(rules))
        {
            var windowsPassed = (now - WindowStart).Ticks / rules.Options.Window.Ticks;
            state = state with { WindowStart = WindowStart + TimeSpan.FromTicks(rules.Options.Window.Ticks * windowsPassed), Used = 0 };
        }

        if (state.BlockedUntil is { } blocked && blocked <= now)
        {
            state = state with { BlockedUntil = null };
        }

        return rules.AdvanceTo(state, now);
    }

    /// <summary>Permits that can be taken now (after <see cref="AdvanceTo"/>).</summary>
    public int Available(DateTimeOffset now, BudgetRules rules)
    {
        if (BlockedUntil is { } blocked && blocked > now)
        {
            return 0;
        }

        return rules.Available(this, Math.Max(0, Allowance(rules) - Used));
    }

    /// <summary>Hands out <paramref name="permits"/> permits.</summary>
    public BudgetState Take(int permits, BudgetRules rules) => rules.Take(this with { Used = Used + permits }, permits);

    /// <summary>Gives back permits taken in the window starting at <paramref name="windowStart"/> and never used.</summary>
    public BudgetState Release(int permits, DateTimeOffset windowStart, BudgetRules rules)
    {
        if (permits <= 0 || windowStart != WindowStart)
        {
            // Permits of a window that has rolled are worth nothing now.
            return this;
        }

        return rules.Release(this with { Used = Math.Max(0, Used - permits) }, permits);
    }

    /// <summary>When the next permit becomes available, given that none is now.</summary>
    public DateTimeOffset NextPermitAt(DateTimeOffset now, BudgetRules rules)
    {
        if (BlockedUntil is { } blocked && blocked > now)
        {
            return blocked;
        }

        if (Allowance(rules) - Used <= 0)
        {
            return WindowEnd(rules);
        }

        return rules.NextPermitAt(this, now);
    }

    /// <summary>
    /// Applies what Outreach's rate-limit headers said: a smaller limit is adopted; a window reset inside the next
    /// window length re-aligns our window; fewer remaining requests than we count (another integration acting as the
    /// same user) raise <see cref="Used"/>. Returns this instance when nothing changes.
    /// </summary>
    public BudgetState Correct(RateLimitSnapshot snapshot, DateTimeOffset now, BudgetRules rules)
    {
        var state = this;
        if (snapshot.Limit is > 0 and var limit && limit != ReportedLimit)
        {
            state = state with { ReportedLimit = limit };
        }

        if (snapshot.ResetAt is { } resetAt && resetAt > now && resetAt <= now + rules.Options.Window)
        {
            var alignedStart = resetAt - rules.Options.Window;
            if ((alignedStart - state.WindowStart).Duration() > AlignmentTolerance)
            {
                state = state with { WindowStart = alignedStart };
            }
        }

        // A reset time already past means the header describes a window that has ended: its count no longer applies.
        var describesCurrentWindow = snapshot.ResetAt is null || snapshot.ResetAt > now;
        if (snapshot.Remaining is >= 0 and var remaining && describesCurrentWindow)
        {
            var usedByOutreachsCount = state.EffectiveLimit(rules) - remaining;
            if (usedByOutreachsCount > state.Used)
            {
                state = state with { Used = usedByOutreachsCount };
            }
        }

        return state;
    }

    /// <summary>
    /// After a 429: nobody sends before <paramref name="retryAt"/> (plus padding), and the window is aligned to end
    /// then, since that is when Outreach resets its count. Never shortens a longer block.
    /// </summary>
    public BudgetState Block(DateTimeOffset retryAt, DateTimeOffset now, BudgetRules rules)
    {
        // A reset further than one window away is not plausible for an hourly limit (a misread header): cap it.
        var until = (retryAt > now ? retryAt : now) + rules.Options.RateLimitPadding;
        var cap = now + rules.Options.Window + rules.Options.RateLimitPadding;
        if (until > cap)
        {
            until = cap;
        }

        if (BlockedUntil is { } current && current >= until)
        {
            return this;
        }

        return this with
        {
            BlockedUntil = until,
            WindowStart = until - rules.Options.Window,
            Used = EffectiveLimit(rules),
            Tokens = 0,
            TokensAt = until,
        };
    }
}

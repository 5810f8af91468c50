using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// What one bulk action costs against Outreach's rate limit, learnt from its headers: one request until
/// <c>X-RateLimit-Remaining</c> is seen to drop by more than one across a bulk call, then the observed cost per id.
/// </summary>
/// <remarks>
/// Outreach says bulk endpoints have "special rules" without detailing them (see docs/reference/outreach-api.md, rate
/// limiting), so the cost is measured rather than assumed. Requests other drainers send between the two readings can
/// only make the estimate larger, which errs on the side of no 429. Until a first bulk call has been measured, its size
/// is capped so that even one request per id would stay within the budget's safety margin.
/// </remarks>
public sealed class BulkCallCost
{
    private readonly Lock _gate = new();
    private int? _lastRemaining;
    private bool _measured;
    private double _perId;

    /// <summary>The cost per id last observed; 0 while bulk calls cost one request each (or before any was measured).</summary>
    public double PermitsPerId
    {
        get
        {
            lock (_gate)
            {
                return _perId;
            }
        }
    }

    /// <summary>Notes the rate-limit headers of any Outreach response, so the next bulk call has a reading to compare with.</summary>
    public void Observe(RateLimitSnapshot snapshot)
    {
        if (snapshot.Remaining is { } remaining)
        {
            lock (_gate)
            {
                _lastRemaining = remaining;
            }
        }
    }

    /// <summary>The remaining count last seen, to pass to <see cref="ObserveBulkCall"/> for the call about to be sent.</summary>
    public int? RemainingBeforeCall()
    {
        lock (_gate)
        {
            return _lastRemaining;
        }
    }

    /// <summary>
    /// Adopts the cost of a bulk call of <paramref name="ids"/> ids: the drop of <c>X-RateLimit-Remaining</c> from
    /// <paramref name="remainingBefore"/> to the call's own headers. A rise (a new window) or missing headers teach nothing.
    /// </summary>
    public void ObserveBulkCall(int? remainingBefore, RateLimitSnapshot after, int ids)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ids, 1);
        Observe(after);
        if (remainingBefore is not { } before || after.Remaining is not { } remaining || remaining > before)
        {
            return;
        }

        lock (_gate)
        {
            var cost = before - remaining;
            _measured = true;
            _perId = cost > 1 ? (double)cost / ids : 0;
        }
    }

    /// <summary>Permits to take for a bulk call of <paramref name="ids"/> ids: one, or the observed cost per id times the ids.</summary>
    public int PermitsFor(int ids)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ids, 1);
        lock (_gate)
        {
            return _perId > 0 ? Math.Max(1, (int)Math.Ceiling(_perId * ids)) : 1;
        }
    }

    /// <summary>
    /// The most ids one bulk call may carry: <paramref name="configuredMax"/>, lowered so its permits fit in
    /// <paramref name="permitCap"/> (what the budget can hand out at once), and before the first measurement so that one
    /// request per id would fit in it.
    /// </summary>
    public int MaxIdsPerCall(int configuredMax, int permitCap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(configuredMax, 1);
        var cap = Math.Max(1, permitCap);
        lock (_gate)
        {
            if (!_measured)
            {
                return Math.Min(configuredMax, cap);
            }

            return _perId > 0 ? Math.Clamp((int)Math.Floor(cap / _perId), 1, configuredMax) : configuredMax;
        }
    }
}

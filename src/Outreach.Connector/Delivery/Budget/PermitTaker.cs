using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// The one place that takes permits from the shared <see cref="RequestBudget"/>: the PATCH loop's purse, the bulk
/// path's calls (several permits each) and the email lookups all wait for permits here, with one minimum wait.
/// </summary>
/// <remarks>
/// Taking the permit is the caller's step, not a handler of the Outreach HTTP pipeline: it needs the caller's batch
/// deadline, a bulk call costs several permits at once, and "not sent: the budget is spent until T" is the caller's
/// decision to defer its messages, which a handler could only signal by faking an answer. A caller that must take a
/// permit per HTTP send (the email lookup's pages) hands the pipeline a callback that takes it here.
/// </remarks>
public sealed class PermitTaker
{
    // A wait shorter than this is rounded up, so a drainer racing others for the next permit does not spin.
    private static readonly TimeSpan MinimumPermitWait = TimeSpan.FromMilliseconds(20);
    private const int MaxWaitsPerPermit = 20;

    private readonly RequestBudget _budget;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the taker of the configured connection's budget.</summary>
    public PermitTaker(RequestBudget budget, IOptions<DeliveryOptions> options, TimeProvider time)
        : this(budget, (options ?? throw new ArgumentNullException(nameof(options))).Value, time)
    {
    }

    internal PermitTaker(RequestBudget budget, DeliveryOptions options, TimeProvider time)
    {
        _budget = budget ?? throw new ArgumentNullException(nameof(budget));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The most permits one call should ask for: what the pacing rule hands out without a long wait.</summary>
    public int Cap => _budget.Rules.MaxPermitsAtOnce();

    /// <summary>The budget permits are taken from (for blocking it after a 429).</summary>
    public RequestBudget Budget => _budget;

    /// <summary>Opens a purse: permits leased a few at a time and spent one per request; failures of the budget's storage are logged to <paramref name="logger"/>.</summary>
    public PermitPurse OpenPurse(ILogger logger) => new(this, _options, _time, logger ?? throw new ArgumentNullException(nameof(logger)));

    /// <summary>Takes <paramref name="count"/> permits before <paramref name="deadline"/>, all or none (none are kept when refused).</summary>
    /// <returns>Null when taken; otherwise when the budget expects the next permit.</returns>
    public async Task<DateTimeOffset?> TakeAsync(int count, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var take = await TakeAsync(count, count, deadline, cancellationToken);
        return take.Granted == 0 ? take.NextPermitAt : null;
    }

    /// <summary>
    /// Takes at least <paramref name="needed"/> permits and, in the same leases, up to <paramref name="wanted"/>
    /// (at most <see cref="DeliveryOptions.MaxPermitsPerLease"/> a lease); waits briefly when the next permit is near.
    /// Refused (everything taken given back) when the wait would be too long or pass <paramref name="deadline"/>.
    /// </summary>
    /// <returns>The permits taken, of the last lease's window; when refused, none, and when the budget expects the next permit.</returns>
    internal async Task<PermitGrant> TakeAsync(int needed, int wanted, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var ask = Math.Max(needed, Math.Min(wanted, _options.MaxPermitsPerLease));
        var grants = new List<PermitGrant>();
        var held = 0;
        try
        {
            for (var waits = 0; held < needed;)
            {
                var grant = await _budget.TryAcquireAsync(ask - held, cancellationToken);
                if (grant.Granted > 0)
                {
                    grants.Add(grant);
                    held += grant.Granted;
                    waits = 0;
                    continue;
                }

                var now = _time.GetUtcNow();
                var wait = grant.NextPermitAt - now;
                if (wait > _options.MaxWaitForPermit || grant.NextPermitAt >= deadline || waits >= MaxWaitsPerPermit)
                {
                    await GiveBackAsync(grants);
                    grants.Clear();
                    return new PermitGrant(0, default, grant.NextPermitAt > now ? grant.NextPermitAt : now);
                }

                await Task.Delay(wait > MinimumPermitWait ? wait : MinimumPermitWait, _time, cancellationToken);
                waits++;
            }

            var taken = grants[^1] with { Granted = held };
            grants.Clear();
            return taken;
        }
        finally
        {
            if (grants.Count > 0)
            {
                // Cancelled or failed half way: the permits were not used.
                await GiveBackAsync(grants);
            }
        }
    }

    /// <summary>Gives back permits of <paramref name="grant"/>'s window that were not used.</summary>
    internal Task ReleaseAsync(int unused, PermitGrant grant) => _budget.ReleaseAsync(unused, grant, CancellationToken.None);

    private async Task GiveBackAsync(List<PermitGrant> grants)
    {
        foreach (var grant in grants)
        {
            try
            {
                // Not the caller's token: even a cancelled caller should give its permits back.
                await _budget.ReleaseAsync(grant.Granted, grant, CancellationToken.None);
            }
            catch (RequestFailedException)
            {
                // Unused permits that cannot be returned only make the budget more careful until the window rolls.
            }
        }
    }
}

/// <summary>
/// Permits a caller leased from the shared <see cref="RequestBudget"/> through the <see cref="PermitTaker"/> and has
/// not spent yet: a batch's PATCHes or a run of email lookups take one per request; what is left goes back when the
/// purse is disposed.
/// </summary>
/// <remarks>
/// The budget's correction from Outreach's rate-limit headers is done by the Outreach HTTP pipeline for every answer;
/// the purse only gives up leased permits Outreach says are gone (<see cref="GiveUpSurplus"/>). Storage failures of the
/// budget are logged and absorbed: the answer is what matters for the caller.
/// </remarks>
public sealed class PermitPurse : IAsyncDisposable
{
    private readonly PermitTaker _taker;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private PermitGrant _grant;
    private int _unused;

    internal PermitPurse(PermitTaker taker, DeliveryOptions options, TimeProvider time, ILogger logger)
    {
        _taker = taker;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Permits spent so far: the requests sent on this purse.</summary>
    public int Taken { get; private set; }

    /// <summary>
    /// Takes one permit, from the purse or a new lease of up to <paramref name="wanted"/>; waits briefly when the next
    /// permit is near. Null when taken; otherwise when permits return (none could be had before <paramref name="deadline"/>).
    /// </summary>
    public async Task<DateTimeOffset?> TakeAsync(int wanted, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (_unused == 0)
        {
            var take = await _taker.TakeAsync(1, Math.Max(1, wanted), deadline, cancellationToken);
            if (take.Granted == 0)
            {
                return take.NextPermitAt;
            }

            (_grant, _unused) = (take, take.Granted);
        }

        _unused--;
        Taken++;
        return null;
    }

    /// <summary>
    /// Permits already leased are not revoked by the budget's correction: when Outreach says fewer requests remain than
    /// the purse holds (another integration used them), it gives up the surplus rather than meet a 429.
    /// </summary>
    public void GiveUpSurplus(RateLimitSnapshot snapshot)
    {
        if (snapshot.Remaining is { } remaining)
        {
            _unused = Math.Min(_unused, Math.Max(0, remaining - _options.SafetyMargin));
        }
    }

    /// <summary>After a 429: blocks the shared budget; returns when sending may resume.</summary>
    public async Task<DateTimeOffset> BlockAsync(DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        try
        {
            return await _taker.Budget.BlockAsync(retryAt, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // Other drainers will meet the 429 themselves; this caller still defers to Outreach's time.
            DeliveryLog.BudgetCorrectionFailed(_logger, ex);
            var now = _time.GetUtcNow();
            return (retryAt > now ? retryAt : now) + _options.RateLimitPadding;
        }
    }

    /// <summary>Gives the unused permits back to the shared budget.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_unused == 0)
        {
            return;
        }

        try
        {
            await _taker.ReleaseAsync(_unused, _grant);
            _unused = 0;
        }
        catch (RequestFailedException ex)
        {
            DeliveryLog.PermitReturnFailed(_logger, ex, _unused);
        }
    }
}

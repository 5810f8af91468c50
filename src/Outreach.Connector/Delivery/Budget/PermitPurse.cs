using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Budget;

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
            if (take.RefusedUntil is { } refusedUntil)
            {
                return refusedUntil;
            }

            (_grant, _unused) = (take.Grant, take.Taken);
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

using Azure;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Budget;

/// <summary>
/// One batch's share of the shared <see cref="RequestBudget"/>: permits leased a few at a time and spent one per
/// request, Outreach's rate-limit answers fed back, and what is left returned when the batch ends (dispose).
/// </summary>
/// <remarks>Storage failures of the budget are logged and absorbed: the response is what matters for the batch.</remarks>
public sealed class PermitPurse : IAsyncDisposable
{
    // A wait shorter than this is rounded up, so a drainer racing others for the next permit does not spin.
    private static readonly TimeSpan MinimumPermitWait = TimeSpan.FromMilliseconds(20);
    private const int MaxWaitsPerPermit = 20;

    private readonly RequestBudget _budget;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private PermitGrant _grant;
    private int _unused;

    internal PermitPurse(RequestBudget budget, DeliveryOptions options, TimeProvider time, ILogger logger)
    {
        _budget = budget;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Takes one permit, from the purse or a new lease of up to <paramref name="wanted"/>; waits briefly when the next
    /// permit is near. Null when taken; otherwise when permits return (none could be had before <paramref name="deadline"/>).
    /// </summary>
    public async Task<DateTimeOffset?> TakeAsync(int wanted, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (_unused > 0)
        {
            _unused--;
            return null;
        }

        for (var waits = 0; ; waits++)
        {
            var grant = await _budget.TryAcquireAsync(Math.Min(_options.MaxPermitsPerLease, wanted), cancellationToken);
            if (grant.Granted > 0)
            {
                _grant = grant;
                _unused = grant.Granted - 1;
                return null;
            }

            var now = _time.GetUtcNow();
            var wait = grant.NextPermitAt - now;
            if (wait <= _options.MaxWaitForPermit && grant.NextPermitAt < deadline && waits < MaxWaitsPerPermit)
            {
                await Task.Delay(wait > MinimumPermitWait ? wait : MinimumPermitWait, _time, cancellationToken);
                continue;
            }

            return grant.NextPermitAt > now ? grant.NextPermitAt : now;
        }
    }

    /// <summary>Corrects the shared budget from a response's rate-limit headers and gives up leased permits Outreach says are gone.</summary>
    public async Task ObserveAsync(RateLimitSnapshot snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await _budget.ObserveAsync(snapshot, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // The response is what matters for this prospect; the next response corrects the budget again.
            DeliveryLog.BudgetCorrectionFailed(_logger, ex);
        }

        if (snapshot.Remaining is { } remaining)
        {
            // Permits already leased are not revoked by the correction above: when Outreach says fewer requests
            // remain than we hold (another integration used them), give up the surplus rather than meet a 429.
            _unused = Math.Min(_unused, Math.Max(0, remaining - _options.SafetyMargin));
        }
    }

    /// <summary>After a 429: blocks the shared budget; returns when sending may resume.</summary>
    public async Task<DateTimeOffset> BlockAsync(DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        try
        {
            return await _budget.BlockAsync(retryAt, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // Other drainers will meet the 429 themselves; this batch still defers to Outreach's time.
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
            // Not the batch's token: even a cancelled batch should give its permits back.
            await _budget.ReleaseAsync(_unused, _grant, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            DeliveryLog.PermitReturnFailed(_logger, ex, _unused);
        }
    }
}

using Outreach.Connector.Delivery;

namespace Outreach.Connector.EmailMatching;

/// <summary>Permits for email lookups, leased from the shared <see cref="RequestBudget"/> a few at a time; unused ones go back.</summary>
internal sealed class PermitLease(RequestBudget budget)
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(20);
    private PermitGrant _grant;
    private int _unused;

    /// <summary>Takes one permit, waiting for the next one when it is near; a <see cref="EmailResolution.NotYet"/> when none comes in time.</summary>
    public async Task<EmailResolution.NotYet?> TakeAsync(
        int stillNeeded, int leaseSize, DateTimeOffset deadline, TimeSpan maxWait, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_unused > 0)
        {
            _unused--;
            return null;
        }

        while (true)
        {
            var grant = await budget.TryAcquireAsync(Math.Max(1, Math.Min(stillNeeded, leaseSize)), cancellationToken);
            if (grant.Granted > 0)
            {
                _grant = grant;
                _unused = grant.Granted - 1;
                return null;
            }

            var now = time.GetUtcNow();
            var wait = grant.NextPermitAt - now;
            if (wait > maxWait || grant.NextPermitAt >= deadline)
            {
                return new EmailResolution.NotYet(ResolutionWait.Defer, grant.NextPermitAt > now ? grant.NextPermitAt : now, "No request permit was left for an email lookup.");
            }

            await Task.Delay(wait > MinimumWait ? wait : MinimumWait, time, cancellationToken);
        }
    }

    /// <summary>Gives back permits leased but not used.</summary>
    public async Task ReturnUnusedAsync()
    {
        if (_unused == 0)
        {
            return;
        }

        try
        {
            await budget.ReleaseAsync(_unused, _grant, CancellationToken.None);
        }
        catch (Azure.RequestFailedException)
        {
            // They come back with the next window anyway.
        }

        _unused = 0;
    }
}

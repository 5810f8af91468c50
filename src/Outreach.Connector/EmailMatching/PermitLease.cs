using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;

namespace Outreach.Connector.EmailMatching;

/// <summary>
/// Permits for email lookups, leased from the shared <see cref="RequestBudget"/> a few at a time, one taken before
/// every request the lookup client sends (pages and the retry after a token refresh included); unused ones go back.
/// </summary>
internal sealed class PermitLease(RequestBudget budget, DeliveryOptions options, TimeProvider time, DateTimeOffset deadline)
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(20);
    private PermitGrant _grant;
    private int _unused;

    /// <summary>Permits used so far: the lookup requests sent.</summary>
    public int Taken { get; private set; }

    /// <summary>How many permits the next lease asks for at most (the lookups still to send).</summary>
    public int StillNeeded { get; set; } = 1;

    /// <summary>The callback the lookup client awaits before each request: takes a permit or throws <see cref="PermitUnavailableException"/>.</summary>
    public async ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        if (_unused > 0)
        {
            _unused--;
            Taken++;
            return;
        }

        while (true)
        {
            var grant = await budget.TryAcquireAsync(Math.Clamp(StillNeeded, 1, options.MaxPermitsPerLease), cancellationToken);
            if (grant.Granted > 0)
            {
                _grant = grant;
                _unused = grant.Granted - 1;
                Taken++;
                return;
            }

            var now = time.GetUtcNow();
            var wait = grant.NextPermitAt - now;
            if (wait > options.MaxWaitForPermit || grant.NextPermitAt >= deadline)
            {
                throw new PermitUnavailableException(grant.NextPermitAt > now ? grant.NextPermitAt : now);
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

/// <summary>No permit for a lookup request in time: the lookup is abandoned before sending, and its emails wait.</summary>
internal sealed class PermitUnavailableException : Exception
{
    public PermitUnavailableException(DateTimeOffset nextPermitAt)
        : base("No request permit was left for an email lookup.") => NextPermitAt = nextPermitAt;

    public PermitUnavailableException()
        : this(DateTimeOffset.MinValue)
    {
    }

    public PermitUnavailableException(string message)
        : base(message)
    {
    }

    public PermitUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>When a permit may be available again.</summary>
    public DateTimeOffset NextPermitAt { get; }
}

using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;

namespace Outreach.Connector.EmailMatching;

/// <summary>
/// Email lookups' permits: the callback the lookup client hands the Outreach pipeline, taking one permit from a
/// <see cref="PermitPurse"/> before every request it sends (pages and the retry after a token refresh included).
/// </summary>
/// <remarks>
/// Not a permit taker of its own: the purse takes permits through the one <see cref="PermitTaker"/>. It exists because
/// a pipeline callback cannot answer "not sent": no permit in time becomes <see cref="PermitUnavailableException"/>.
/// </remarks>
internal sealed class PermitLease(RequestBudget budget, DeliveryOptions options, TimeProvider time, DateTimeOffset deadline)
{
    private readonly PermitPurse _purse = new PermitTaker(budget, options, time).OpenPurse(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>Permits used so far: the lookup requests sent.</summary>
    public int Taken => _purse.Taken;

    /// <summary>How many permits the next lease asks for at most (the lookups still to send).</summary>
    public int StillNeeded { get; set; } = 1;

    /// <summary>The callback the lookup client awaits before each request: takes a permit or throws <see cref="PermitUnavailableException"/>.</summary>
    public async ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        if (await _purse.TakeAsync(StillNeeded, deadline, cancellationToken) is { } nextPermitAt)
        {
            throw new PermitUnavailableException(nextPermitAt);
        }
    }

    /// <summary>Gives back permits leased but not used (they come back with the next window anyway if this fails).</summary>
    public async Task ReturnUnusedAsync() => await _purse.DisposeAsync();
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

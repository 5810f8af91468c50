namespace Outreach.Connector.Outreach;

/// <summary>
/// Reads Outreach's rate-limit headers of every answer once (<see cref="RateLimitHeaders"/>), hands them to the
/// registered <see cref="IRateLimitObserver"/>s (the shared request budget's correction), and leaves them on the
/// request for <see cref="OutreachApiSender"/>, which puts them on the call's outcome.
/// </summary>
internal sealed class OutreachRateLimitHandler(IEnumerable<IRateLimitObserver> observers, TimeProvider time) : DelegatingHandler
{
    private readonly IRateLimitObserver[] _observers = [.. observers];

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var snapshot = RateLimitHeaders.Parse(response.Headers, time.GetUtcNow());
        request.Options.Set(OutreachRequestOptions.RateLimit, snapshot);
        if (snapshot != RateLimitSnapshot.None)
        {
            foreach (var observer in _observers)
            {
                await observer.ObserveAsync(snapshot, cancellationToken);
            }
        }

        return response;
    }
}

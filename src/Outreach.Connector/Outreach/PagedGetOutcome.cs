namespace Outreach.Connector.Outreach;

/// <summary>What following a JSON:API list's pages gave (<see cref="OutreachApiCaller.GetAllPagesAsync{T}"/>).</summary>
/// <typeparam name="T">What one list item is read as.</typeparam>
internal abstract record PagedGetOutcome<T>
{
    /// <summary>Every page was read: the items of all pages in order, the requests sent and the last rate-limit headers.</summary>
    public sealed record Read(List<T> Items, int Requests, RateLimitSnapshot RateLimit) : PagedGetOutcome<T>;

    /// <summary>A page's call did not succeed, or its answer was not a list (then a transient outcome saying so).</summary>
    public sealed record Failed(OutreachCallOutcome Outcome) : PagedGetOutcome<T>;
}

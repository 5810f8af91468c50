namespace Outreach.Connector.Outreach;

/// <summary>The closed set of results of reading prospects by id with collection GETs.</summary>
public abstract record ProspectReadOutcome
{
    /// <summary>Every list was read. Ids Outreach does not know are simply absent from <paramref name="Prospects"/>.</summary>
    /// <param name="Prospects">The prospects found, with the attributes asked for.</param>
    /// <param name="Requests">How many HTTP requests were made (refused long lists included).</param>
    /// <param name="RateLimit">The rate-limit headers of the last answer.</param>
    public sealed record Read(IReadOnlyList<ProspectValues> Prospects, int Requests, RateLimitSnapshot RateLimit) : ProspectReadOutcome;

    /// <summary>A call failed; <paramref name="ReadBeforeFailure"/> holds what earlier calls returned.</summary>
    public sealed record Failed(OutreachCallOutcome Failure, IReadOnlyList<ProspectValues> ReadBeforeFailure, int Requests) : ProspectReadOutcome;
}

using Outreach.Connector.Tokens;

namespace Outreach.Connector.Outreach;

/// <summary>
/// What the handlers of the Outreach pipeline and <see cref="OutreachApiSender"/> tell each other about one request,
/// carried in <see cref="HttpRequestMessage.Options"/> (a handler can only hand back a response).
/// </summary>
internal static class OutreachRequestOptions
{
    /// <summary>Set by <see cref="OutreachPermitHandler"/>'s caller: awaited before every send of the request (the retry after a refresh included).</summary>
    public static readonly HttpRequestOptionsKey<Func<CancellationToken, ValueTask>> BeforeSend = new("Outreach.BeforeSend");

    /// <summary>Set by <see cref="OutreachBearerHandler"/>: why no usable token was had (the request was then not sent, or not sent again).</summary>
    public static readonly HttpRequestOptionsKey<AccessTokenOutcome> TokenProblem = new("Outreach.TokenProblem");

    /// <summary>Set by <see cref="OutreachBearerHandler"/> when the answer is its own and nothing went to Outreach.</summary>
    public static readonly HttpRequestOptionsKey<bool> NotSent = new("Outreach.NotSent");

    /// <summary>Set by <see cref="OutreachBearerHandler"/> when the answer is the one to the retry after a refresh.</summary>
    public static readonly HttpRequestOptionsKey<bool> Retried = new("Outreach.Retried");

    /// <summary>Set by <see cref="OutreachRateLimitHandler"/>: the rate-limit headers of the last answer, read once.</summary>
    public static readonly HttpRequestOptionsKey<RateLimitSnapshot> RateLimit = new("Outreach.RateLimit");
}

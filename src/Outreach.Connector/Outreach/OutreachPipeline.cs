using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Outreach;

/// <summary>
/// The one HTTP pipeline every Outreach API request goes through, outermost first: the bearer token (one refresh and
/// one retry on 401), the caller's permit (<see cref="OutreachRequestOptions.BeforeSend"/>), a per-attempt timeout,
/// and the rate-limit headers read into the shared budget. Registered once, as the typed client of
/// <see cref="OutreachApiSender"/>; every Outreach client sends through that sender.
/// </summary>
public static class OutreachPipeline
{
    /// <summary>
    /// Registers <see cref="OutreachApiSender"/> with the pipeline's handlers in front of <paramref name="primary"/>.
    /// <see cref="IRateLimitObserver"/>s registered by the app (the request budget) are called for every answer.
    /// </summary>
    public static IHttpClientBuilder AddOutreachPipeline(this IServiceCollection services, Func<HttpMessageHandler> primary)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(primary);
        return services.AddHttpClient<OutreachApiSender>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<OutreachOptions>>().Value.NormalizedApiBaseUrl;

                // Each attempt has its own timeout (OutreachAttemptTimeoutHandler); the whole call includes a token refresh.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(primary)
            .AddHttpMessageHandler(sp => new OutreachBearerHandler(sp.GetRequiredService<IAccessTokenProvider>(), sp.GetRequiredService<ILogger<OutreachBearerHandler>>()))
            .AddHttpMessageHandler(() => new OutreachPermitHandler())
            .AddHttpMessageHandler(sp => new OutreachAttemptTimeoutHandler(sp.GetRequiredService<IOptions<OutreachOptions>>().Value.RequestTimeout))
            .AddHttpMessageHandler(sp => new OutreachRateLimitHandler(sp.GetServices<IRateLimitObserver>(), sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>The same handlers chained by hand in front of <paramref name="primary"/> (see <see cref="OutreachApiSender.Create"/>).</summary>
    internal static HttpMessageHandler Chain(
        HttpMessageHandler primary,
        IAccessTokenProvider tokens,
        OutreachOptions options,
        TimeProvider timeProvider,
        IEnumerable<IRateLimitObserver> observers,
        ILogger<OutreachBearerHandler> logger) =>
        new OutreachBearerHandler(tokens, logger)
        {
            InnerHandler = new OutreachPermitHandler
            {
                InnerHandler = new OutreachAttemptTimeoutHandler(options.RequestTimeout)
                {
                    InnerHandler = new OutreachRateLimitHandler(observers, timeProvider) { InnerHandler = primary },
                },
            },
        };
}

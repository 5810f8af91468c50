using System.Net;
using System.Net.Http.Headers;
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

/// <summary>
/// The connection's bearer token on every Outreach request: a 401 gets exactly one forced refresh and one retry; a
/// 401 to the refreshed token marks the connection as needing re-authorization (for every instance). Without a usable
/// token the request is not sent: the handler answers itself and says why in <see cref="OutreachRequestOptions"/>.
/// </summary>
/// <remarks>
/// The retry re-sends the same request message, so its content must be replayable (every Outreach client sends a
/// <see cref="ByteArrayContent"/>). Logs carry no token and no URL (lookups put emails in the query).
/// </remarks>
internal sealed partial class OutreachBearerHandler(IAccessTokenProvider tokens, ILogger<OutreachBearerHandler> logger) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ProspectPatchBody.MediaType));

        var token = await tokens.GetAccessTokenAsync(cancellationToken);
        if (token is not AccessTokenOutcome.Available available)
        {
            return NotSent(request, token);
        }

        var response = await SendWithAsync(request, available.Token, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // One forced refresh and one retry; never a loop.
        var refreshed = await tokens.RefreshAfterRejectionAsync(available.Token, cancellationToken);
        if (refreshed is not AccessTokenOutcome.Available second)
        {
            request.Options.Set(OutreachRequestOptions.TokenProblem, refreshed);
            return response;
        }

        response.Dispose();
        request.Options.Set(OutreachRequestOptions.Retried, true);
        response = await SendWithAsync(request, second.Token, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The refresh did not help: the connection needs re-authorization, for every instance (docs/reference/outreach-api.md, OAuth).
            Log.UnauthorizedAfterRefresh(logger, request.Method.Method);
            request.Options.Set(OutreachRequestOptions.TokenProblem, await tokens.RejectedAfterRefreshAsync(second.Token, cancellationToken));
        }

        return response;
    }

    private Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, OutreachAccessToken token, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return base.SendAsync(request, cancellationToken);
    }

    private static HttpResponseMessage NotSent(HttpRequestMessage request, AccessTokenOutcome problem)
    {
        request.Options.Set(OutreachRequestOptions.TokenProblem, problem);
        request.Options.Set(OutreachRequestOptions.NotSent, true);
        return new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "{Method} to Outreach: Outreach refused the refreshed access token too (401)")]
        public static partial void UnauthorizedAfterRefresh(ILogger logger, string method);
    }
}

/// <summary>
/// Awaits the request's <see cref="OutreachRequestOptions.BeforeSend"/> (a permit from the shared request budget)
/// before every send, the retry after a token refresh included, since Outreach counts that one too.
/// </summary>
/// <remarks>
/// The permit itself is taken by the one permit taker (<c>Delivery/Budget/PermitPurse</c>), not here: it needs the
/// caller's batch deadline and lease, and "not sent: the budget is spent until T" is the caller's decision to defer
/// its messages. Callers that take their permits before the call (the PATCH loop, the bulk pass, whose calls cost
/// several permits) set nothing; a callback that cannot have a permit throws, and nothing is sent.
/// </remarks>
internal sealed class OutreachPermitHandler : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(OutreachRequestOptions.BeforeSend, out var beforeSend))
        {
            await beforeSend(cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Bounds each attempt of a request (the retry after a token refresh gets its own) by <see cref="OutreachOptions.RequestTimeout"/>.</summary>
/// <remarks>
/// A plain handler rather than <c>Microsoft.Extensions.Http.Resilience</c>: its timeout strategy is the one piece that
/// would fit (its retries must not be used: retrying failed deliveries is the queue's job), and a linked token is
/// all it takes, without a second versioning line of Microsoft.Extensions packages (11.x beside the pinned 10.0.15).
/// A timeout surfaces as an <see cref="OperationCanceledException"/> the caller did not ask for, which
/// <see cref="OutreachApiSender"/> answers as a transient failure.
/// </remarks>
internal sealed class OutreachAttemptTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        return await base.SendAsync(request, attempt.Token);
    }
}

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

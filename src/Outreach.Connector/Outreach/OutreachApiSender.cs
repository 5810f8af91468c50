using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Sends every Outreach API request through the one HTTP pipeline (<see cref="OutreachPipeline"/>: bearer token with
/// one refresh-and-retry on 401, permit, per-attempt timeout, rate-limit headers) and is the one classifier of an
/// answer into an <see cref="OutreachCallOutcome"/>.
/// </summary>
/// <remarks>Logs carry the operation name, statuses and error ids only, never tokens, URLs with emails, or values.</remarks>
public sealed partial class OutreachApiSender
{
    private const int MaxSuccessBodyBytes = 32 * 1024 * 1024;

    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly OutreachOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the sender over an <see cref="HttpClient"/> whose handlers are <see cref="OutreachPipeline"/>'s.</summary>
    public OutreachApiSender(HttpClient httpClient, TimeProvider timeProvider, IOptions<OutreachOptions> options, ILogger<OutreachApiSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options.Value;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// A sender with the whole pipeline in front of <paramref name="primary"/>, for tools and tests that build their
    /// clients without dependency injection (the probe, the sandbox tests).
    /// </summary>
    public static OutreachApiSender Create(
        HttpMessageHandler primary,
        IAccessTokenProvider tokens,
        OutreachOptions options,
        TimeProvider timeProvider,
        IEnumerable<IRateLimitObserver>? observers = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var handler = OutreachPipeline.Chain(primary, tokens, options, timeProvider, observers ?? [], loggerFactory.CreateLogger<OutreachBearerHandler>());
        var http = new HttpClient(handler) { BaseAddress = options.NormalizedApiBaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        return new OutreachApiSender(http, timeProvider, Microsoft.Extensions.Options.Options.Create(options), loggerFactory.CreateLogger<OutreachApiSender>());
    }

    /// <summary>The options the sender was built with (timeouts, rate-limit clamps).</summary>
    public OutreachOptions Options => _options;

    /// <summary>Sends the request <paramref name="build"/> makes and classifies the answer; the body of a 2xx is the value.</summary>
    /// <param name="operation">A short name for logs, e.g. <c>GET prospects</c>; never an email or a value.</param>
    /// <param name="build">Builds the request (relative URL; content, when any, must be replayable for the retry after a refresh).</param>
    /// <param name="beforeSend">Awaited before each HTTP send, e.g. to take a permit from the shared request budget.</param>
    /// <param name="cancellationToken">Cancels the call (throws).</param>
    public async Task<OutreachCallOutcome> SendAsync(
        string operation, Func<HttpRequestMessage> build, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        using var request = build();
        if (beforeSend is not null)
        {
            request.Options.Set(OutreachRequestOptions.BeforeSend, beforeSend);
        }

        try
        {
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (request.Options.TryGetValue(OutreachRequestOptions.NotSent, out var notSent) && notSent)
            {
                var withoutToken = WithoutToken(request, default);
                Log.NoToken(_logger, operation, withoutToken.GetType().Name);
                return withoutToken;
            }

            var now = _timeProvider.GetUtcNow();
            var rateLimit = request.Options.TryGetValue(OutreachRequestOptions.RateLimit, out var read) ? read : RateLimitHeaders.Parse(response.Headers, now);
            var outcome = await ClassifyAsync(request, response, rateLimit, now, cancellationToken);
            Log.Answered(_logger, operation, (int)response.StatusCode, outcome is OutreachCallOutcome.Succeeded ? "Succeeded" : outcome.GetType().Name, FirstErrorId(outcome));
            return outcome;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.Failed(_logger, operation, "timeout");
            return new OutreachCallOutcome.Transient(null, "Outreach did not answer in time.", null, RateLimitSnapshot.None);
        }
        catch (HttpRequestException ex)
        {
            Log.Failed(_logger, operation, ex.HttpRequestError.ToString());
            return new OutreachCallOutcome.Transient(null, $"The request to Outreach failed ({ex.HttpRequestError}).", null, RateLimitSnapshot.None);
        }
        catch (IOException)
        {
            Log.Failed(_logger, operation, "connection reset");
            return new OutreachCallOutcome.Transient(null, "The connection to Outreach failed while reading the answer.", null, RateLimitSnapshot.None);
        }
    }

    private async Task<OutreachCallOutcome> ClassifyAsync(
        HttpRequestMessage request, HttpResponseMessage response, RateLimitSnapshot rateLimit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length > MaxSuccessBodyBytes
                ? new OutreachCallOutcome.Transient(status, "Outreach's answer is larger than the client accepts.", null, rateLimit)
                : new OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>>(body, status, rateLimit);
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                return WithoutToken(request, rateLimit);

            case HttpStatusCode.TooManyRequests:
            {
                var errors = await OutreachResponseReader.ReadErrorsAsync(response, cancellationToken);
                var retryAt = OutreachResponseReader.RateLimitedUntil(response, rateLimit, errors, now, _options);
                return new OutreachCallOutcome.RateLimited(retryAt, errors.FirstOrDefault(), rateLimit);
            }

            case HttpStatusCode.RequestTimeout:
            case >= HttpStatusCode.InternalServerError:
                // Bodies of 5xx are not read: a gateway's page says nothing the status does not.
                return new OutreachCallOutcome.Transient(status, $"Outreach answered {status}.", RateLimitHeaders.ParseRetryAfter(response.Headers, now), rateLimit);

            case >= HttpStatusCode.BadRequest:
                // 400, 403, 404, 409, 415, 422 and any other 4xx: sending the same request again will not help.
                return new OutreachCallOutcome.Permanent(status, await OutreachResponseReader.ReadErrorsAsync(response, cancellationToken), rateLimit);

            default:
                // 1xx/3xx: redirects are not followed (the bearer must not travel elsewhere); treat as a passing fault.
                return new OutreachCallOutcome.Transient(status, $"Outreach answered an unexpected {status}.", null, rateLimit);
        }
    }

    // A 401 the bearer handler could not get past, or its own answer when it had no token to send.
    private static OutreachCallOutcome WithoutToken(HttpRequestMessage request, RateLimitSnapshot rateLimit)
    {
        var retried = request.Options.TryGetValue(OutreachRequestOptions.Retried, out var wasRetried) && wasRetried;
        if (!request.Options.TryGetValue(OutreachRequestOptions.TokenProblem, out var problem))
        {
            return new OutreachCallOutcome.Unauthorized("Outreach answered 401 to the access token.", rateLimit);
        }

        return problem switch
        {
            AccessTokenOutcome.NeedsReauthorization when retried =>
                new OutreachCallOutcome.Unauthorized("Outreach answered 401 to a freshly refreshed access token.", rateLimit),
            AccessTokenOutcome.NeedsReauthorization n => new OutreachCallOutcome.Unauthorized($"The Outreach connection needs re-authorization: {n.Reason}", rateLimit),
            AccessTokenOutcome.NotConnected c => new OutreachCallOutcome.Unauthorized($"The Outreach connection '{c.ConnectionName}' is not authorized yet.", rateLimit),
            AccessTokenOutcome.Refused r => new OutreachCallOutcome.Unauthorized(r.Reason, rateLimit),
            AccessTokenOutcome.Unavailable u => new OutreachCallOutcome.Transient(null, $"No access token: {u.Reason}", u.RetryAt, rateLimit),
            _ => new OutreachCallOutcome.Transient(null, "No access token.", null, rateLimit),
        };
    }

    private static string FirstErrorId(OutreachCallOutcome outcome) => outcome switch
    {
        OutreachCallOutcome.Permanent p => p.FirstError?.Id ?? "",
        OutreachCallOutcome.RateLimited r => r.Error?.Id ?? "",
        _ => "",
    };

    /// <summary>
    /// GETs a JSON:API list from <paramref name="firstUrl"/> and follows its <c>links.next</c> until the last page. A
    /// next link to another host is not followed: the request would carry the connection's token there.
    /// </summary>
    /// <param name="operation">A short name for logs, e.g. <c>GET batchItems</c>.</param>
    /// <param name="firstUrl">The first page, relative to the API base address.</param>
    /// <param name="readPage">Reads one page's items and next link; null when the answer is not such a list.</param>
    /// <param name="notAList">The reason given when a page cannot be read.</param>
    /// <param name="beforeEachRequest">Awaited before each HTTP send, e.g. to take a permit from the shared request budget.</param>
    /// <param name="cancellationToken">Cancels the call (throws).</param>
    /// <returns>Every page's items in order with the number of requests sent, or the failure of the page that failed.</returns>
    public async Task<OutreachCallOutcome> GetAllPagesAsync<T>(
        string operation,
        string firstUrl,
        Func<ReadOnlyMemory<byte>, (List<T> Items, Uri? Next)?> readPage,
        string notAList,
        Func<CancellationToken, ValueTask>? beforeEachRequest,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readPage);
        var items = new List<T>();
        Uri? url = new(firstUrl, UriKind.Relative);
        var requests = 0;
        OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>>? last = null;
        while (url is not null)
        {
            var pageUrl = url;
            var outcome = await SendAsync(operation, () => new HttpRequestMessage(HttpMethod.Get, pageUrl), beforeEachRequest, cancellationToken);
            requests++;
            if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> succeeded)
            {
                return outcome;
            }

            last = succeeded;
            if (readPage(succeeded.Value) is not { } page)
            {
                return new OutreachCallOutcome.Transient(succeeded.StatusCode, notAList, null, succeeded.RateLimit);
            }

            items.AddRange(page.Items);
            url = SameHost(page.Next);
        }

        return new OutreachCallOutcome.Succeeded<ListPages<T>>(new ListPages<T>(items, requests), last!.StatusCode, last.RateLimit);
    }

    private Uri? SameHost(Uri? next) =>
        next is not null && _httpClient.BaseAddress is { } baseAddress
        && Uri.Compare(next, baseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? next
            : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "{Operation}: HTTP {StatusCode} → {Outcome} {ErrorId}")]
        public static partial void Answered(ILogger logger, string operation, int statusCode, string outcome, string errorId);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "{Operation} failed without an answer: {Failure}")]
        public static partial void Failed(ILogger logger, string operation, string failure);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "{Operation} not sent: no access token ({Outcome})")]
        public static partial void NoToken(ILogger logger, string operation, string outcome);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Sends one API request with the connection's bearer token, the way <see cref="OutreachProspectClient"/> does: a 401
/// gets exactly one forced token refresh and one retry; every answer becomes an <see cref="OutreachCallOutcome"/>.
/// </summary>
/// <remarks>Logs carry the operation name, statuses and error ids only, never tokens, URLs with emails, or values.</remarks>
internal sealed partial class OutreachApiCaller(
    HttpClient httpClient, IAccessTokenProvider tokens, TimeProvider timeProvider, OutreachOptions options, ILogger logger)
{
    private const int MaxSuccessBodyBytes = 32 * 1024 * 1024;

    /// <summary>The options the caller was built with (timeouts, rate-limit clamps).</summary>
    public OutreachOptions Options => options;

    /// <summary>Sends the request <paramref name="build"/> makes (called again for the retry after a refresh).</summary>
    /// <param name="operation">A short name for logs, e.g. <c>GET prospects</c>.</param>
    /// <param name="build">Builds a fresh request; the caller adds the bearer and Accept headers.</param>
    /// <param name="beforeSend">Awaited before each HTTP send, e.g. to take a permit from the shared request budget.</param>
    /// <param name="cancellationToken">Cancels the call (throws).</param>
    public async Task<OutreachCallOutcome> SendAsync(
        string operation, Func<HttpRequestMessage> build, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAccessTokenAsync(cancellationToken);
        if (token is not AccessTokenOutcome.Available available)
        {
            return WithoutToken(operation, token);
        }

        var outcome = await SendOnceAsync(operation, build, available.Token, beforeSend, cancellationToken);
        if (outcome is not OutreachCallOutcome.Unauthorized)
        {
            return outcome;
        }

        // One forced refresh and one retry; never a loop.
        var refreshed = await tokens.RefreshAfterRejectionAsync(available.Token, cancellationToken);
        if (refreshed is not AccessTokenOutcome.Available second)
        {
            return WithoutToken(operation, refreshed);
        }

        outcome = await SendOnceAsync(operation, build, second.Token, beforeSend, cancellationToken);
        return outcome is OutreachCallOutcome.Unauthorized unauthorized
            ? unauthorized with { Reason = "Outreach answered 401 to a freshly refreshed access token." }
            : outcome;
    }

    private async Task<OutreachCallOutcome> SendOnceAsync(
        string operation, Func<HttpRequestMessage> build, OutreachAccessToken token, Func<CancellationToken, ValueTask>? beforeSend, CancellationToken cancellationToken)
    {
        using var request = build();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ProspectPatchBody.MediaType));
        if (beforeSend is not null)
        {
            await beforeSend(cancellationToken);
        }

        try
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var now = timeProvider.GetUtcNow();
            var rateLimit = RateLimitHeaders.Parse(response.Headers, now);
            var outcome = await ClassifyAsync(response, rateLimit, now, cancellationToken);
            Log.Answered(logger, operation, (int)response.StatusCode, outcome.GetType().Name);
            return outcome;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.Failed(logger, operation, "timeout");
            return new OutreachCallOutcome.Transient(null, "Outreach did not answer in time.", null, RateLimitSnapshot.None);
        }
        catch (HttpRequestException ex)
        {
            Log.Failed(logger, operation, ex.HttpRequestError.ToString());
            return new OutreachCallOutcome.Transient(null, $"The request to Outreach failed ({ex.HttpRequestError}).", null, RateLimitSnapshot.None);
        }
        catch (IOException)
        {
            Log.Failed(logger, operation, "connection reset");
            return new OutreachCallOutcome.Transient(null, "The connection to Outreach failed while reading the answer.", null, RateLimitSnapshot.None);
        }
    }

    private async Task<OutreachCallOutcome> ClassifyAsync(HttpResponseMessage response, RateLimitSnapshot rateLimit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length > MaxSuccessBodyBytes
                ? new OutreachCallOutcome.Transient(status, "Outreach's answer is larger than the client accepts.", null, rateLimit)
                : new OutreachCallOutcome.Succeeded(status, body, rateLimit);
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                return new OutreachCallOutcome.Unauthorized("Outreach answered 401 to the access token.", rateLimit);

            case HttpStatusCode.TooManyRequests:
            {
                var errors = await OutreachResponseReader.ReadErrorsAsync(response, cancellationToken);
                var retryAt = OutreachResponseReader.RateLimitedUntil(response, rateLimit, errors, now, options);
                return new OutreachCallOutcome.RateLimited(retryAt, errors.FirstOrDefault(), rateLimit);
            }

            case HttpStatusCode.RequestTimeout:
            case >= HttpStatusCode.InternalServerError:
                return new OutreachCallOutcome.Transient(status, $"Outreach answered {status}.", RateLimitHeaders.ParseRetryAfter(response.Headers, now), rateLimit);

            case >= HttpStatusCode.BadRequest:
                return new OutreachCallOutcome.Permanent(status, await OutreachResponseReader.ReadErrorsAsync(response, cancellationToken), rateLimit);

            default:
                // Redirects are not followed (the bearer must not travel elsewhere); treat as a passing fault.
                return new OutreachCallOutcome.Transient(status, $"Outreach answered an unexpected {status}.", null, rateLimit);
        }
    }

    private OutreachCallOutcome WithoutToken(string operation, AccessTokenOutcome result)
    {
        OutreachCallOutcome outcome = result switch
        {
            AccessTokenOutcome.NeedsReauthorization n => new OutreachCallOutcome.Unauthorized($"The Outreach connection needs re-authorization: {n.Reason}", default),
            AccessTokenOutcome.NotConnected c => new OutreachCallOutcome.Unauthorized($"The Outreach connection '{c.ConnectionName}' is not authorized yet.", default),
            AccessTokenOutcome.Refused r => new OutreachCallOutcome.Unauthorized(r.Reason, default),
            AccessTokenOutcome.Unavailable u => new OutreachCallOutcome.Transient(null, $"No access token: {u.Reason}", u.RetryAt, default),
            _ => new OutreachCallOutcome.Transient(null, "No access token.", null, default),
        };
        Log.NoToken(logger, operation, outcome.GetType().Name);
        return outcome;
    }

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
    public async Task<PagedGetOutcome<T>> GetAllPagesAsync<T>(
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
        RateLimitSnapshot rateLimit = default;
        while (url is not null)
        {
            var pageUrl = url;
            var outcome = await SendAsync(operation, () => new HttpRequestMessage(HttpMethod.Get, pageUrl), beforeEachRequest, cancellationToken);
            requests++;
            if (outcome is not OutreachCallOutcome.Succeeded succeeded)
            {
                return new PagedGetOutcome<T>.Failed(outcome);
            }

            rateLimit = succeeded.RateLimit;
            if (readPage(succeeded.Body) is not { } page)
            {
                return new PagedGetOutcome<T>.Failed(new OutreachCallOutcome.Transient(succeeded.StatusCode, notAList, null, rateLimit));
            }

            items.AddRange(page.Items);
            url = SameHost(page.Next);
        }

        return new PagedGetOutcome<T>.Read(items, requests, rateLimit);
    }

    private Uri? SameHost(Uri? next) =>
        next is not null && httpClient.BaseAddress is { } baseAddress
        && Uri.Compare(next, baseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? next
            : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "{Operation}: HTTP {StatusCode} → {Outcome}")]
        public static partial void Answered(ILogger logger, string operation, int statusCode, string outcome);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "{Operation} failed without an answer: {Failure}")]
        public static partial void Failed(ILogger logger, string operation, string failure);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "{Operation} not sent: no access token ({Outcome})")]
        public static partial void NoToken(ILogger logger, string operation, string outcome);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Outreach;

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

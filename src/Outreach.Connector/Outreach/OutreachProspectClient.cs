using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>
/// Sends prospect PATCHes to Outreach's REST API and classifies every answer into one <see cref="PatchOutcome"/>.
/// </summary>
/// <remarks>
/// A typed <see cref="HttpClient"/> (base address <see cref="OutreachOptions.ApiBaseUrl"/>, timeout
/// <see cref="OutreachOptions.RequestTimeout"/>). A 401 gets exactly one forced token refresh and one retry; a second
/// 401 is <see cref="PatchOutcome.Unauthorized"/>. A connection that needs re-authorization is answered without
/// calling Outreach. Logs carry prospect ids, status codes and error ids, never tokens or attribute values.
/// </remarks>
public sealed class OutreachProspectClient(
    HttpClient httpClient,
    IAccessTokenProvider tokens,
    TimeProvider timeProvider,
    IOptions<OutreachOptions> options,
    ILogger<OutreachProspectClient> logger) : IOutreachProspectClient
{
    private static readonly MediaTypeHeaderValue JsonApi = new(ProspectPatchBody.MediaType);
    private readonly OutreachOptions _options = options.Value;

    /// <inheritdoc />
    public async Task<PatchOutcome> PatchProspectAsync(long prospectId, IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prospectId);
        ArgumentNullException.ThrowIfNull(attributes);
        var body = ProspectPatchBody.Build(prospectId, attributes);

        var token = await tokens.GetAccessTokenAsync(cancellationToken);
        if (token is not AccessTokenOutcome.Available available)
        {
            return WithoutToken(prospectId, token);
        }

        var outcome = await SendAsync(prospectId, body, available.Token, cancellationToken);
        if (outcome is not PatchOutcome.Unauthorized)
        {
            return outcome;
        }

        // One forced refresh and one retry; never a loop.
        var refreshed = await tokens.RefreshAfterRejectionAsync(available.Token, cancellationToken);
        if (refreshed is not AccessTokenOutcome.Available second)
        {
            return WithoutToken(prospectId, refreshed, outcome.RateLimit);
        }

        outcome = await SendAsync(prospectId, body, second.Token, cancellationToken);
        if (outcome is PatchOutcome.Unauthorized unauthorized)
        {
            // The refresh did not help: the connection needs re-authorization, for every instance (docs/reference/outreach-api.md, OAuth).
            ClientLog.UnauthorizedAfterRefresh(logger, prospectId);
            var marked = await tokens.RejectedAfterRefreshAsync(second.Token, cancellationToken);
            return marked is AccessTokenOutcome.NeedsReauthorization
                ? unauthorized with { Reason = "Outreach answered 401 to a freshly refreshed access token." }
                : WithoutToken(prospectId, marked, unauthorized.RateLimit);
        }

        return outcome;
    }

    private async Task<PatchOutcome> SendAsync(long prospectId, byte[] body, OutreachAccessToken token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, ProspectPatchBody.RelativeUrl(prospectId));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ProspectPatchBody.MediaType));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonApi;
        try
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var now = timeProvider.GetUtcNow();
            var rateLimit = RateLimitHeaders.Parse(response.Headers, now);
            var outcome = await ClassifyAsync(response, rateLimit, now, cancellationToken);
            ClientLog.Answered(logger, prospectId, (int)response.StatusCode, outcome.GetType().Name, FirstErrorId(outcome));
            return outcome;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ClientLog.Failed(logger, prospectId, "timeout");
            return new PatchOutcome.Transient(null, "Outreach did not answer in time.", null, RateLimitSnapshot.None);
        }
        catch (HttpRequestException ex)
        {
            ClientLog.Failed(logger, prospectId, ex.HttpRequestError.ToString());
            return new PatchOutcome.Transient(null, $"The request to Outreach failed ({ex.HttpRequestError}).", null, RateLimitSnapshot.None);
        }
        catch (IOException)
        {
            ClientLog.Failed(logger, prospectId, "connection reset");
            return new PatchOutcome.Transient(null, "The connection to Outreach failed while reading the answer.", null, RateLimitSnapshot.None);
        }
    }

    private async Task<PatchOutcome> ClassifyAsync(HttpResponseMessage response, RateLimitSnapshot rateLimit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new PatchOutcome.Applied(status, rateLimit);
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                return new PatchOutcome.Unauthorized("Outreach answered 401 to the access token.", rateLimit);

            case HttpStatusCode.TooManyRequests:
            {
                var errors = await OutreachResponseReader.ReadErrorsAsync(response, cancellationToken);
                var retryAt = OutreachResponseReader.RateLimitedUntil(response, rateLimit, errors, now, _options);
                return new PatchOutcome.RateLimited(retryAt, errors.FirstOrDefault(), rateLimit);
            }

            case HttpStatusCode.RequestTimeout:
            case >= HttpStatusCode.InternalServerError:
                // Bodies of 5xx are not read: a gateway's page says nothing the status does not.
                return new PatchOutcome.Transient(status, $"Outreach answered {status}.", RateLimitHeaders.ParseRetryAfter(response.Headers, now), rateLimit);

            case >= HttpStatusCode.BadRequest:
                // 400, 403, 404, 409, 415, 422 and any other 4xx: sending the same request again will not help.
                return new PatchOutcome.Permanent(status, await OutreachResponseReader.ReadErrorsAsync(response, cancellationToken), rateLimit);

            default:
                // 1xx/3xx: redirects are not followed (the bearer must not travel elsewhere); treat as a passing fault.
                return new PatchOutcome.Transient(status, $"Outreach answered an unexpected {status}.", null, rateLimit);
        }
    }

    private PatchOutcome WithoutToken(long prospectId, AccessTokenOutcome result, RateLimitSnapshot rateLimit = default)
    {
        PatchOutcome outcome = result switch
        {
            AccessTokenOutcome.NeedsReauthorization n => new PatchOutcome.Unauthorized($"The Outreach connection needs re-authorization: {n.Reason}", rateLimit),
            AccessTokenOutcome.NotConnected c => new PatchOutcome.Unauthorized($"The Outreach connection '{c.ConnectionName}' is not authorized yet.", rateLimit),
            AccessTokenOutcome.Refused r => new PatchOutcome.Unauthorized(r.Reason, rateLimit),
            AccessTokenOutcome.Unavailable u => new PatchOutcome.Transient(null, $"No access token: {u.Reason}", u.RetryAt, rateLimit),
            _ => new PatchOutcome.Transient(null, "No access token.", null, rateLimit),
        };
        ClientLog.NoToken(logger, prospectId, outcome.GetType().Name);
        return outcome;
    }

    private static string FirstErrorId(PatchOutcome outcome) => outcome switch
    {
        PatchOutcome.Permanent p => p.FirstError?.Id ?? "",
        PatchOutcome.RateLimited r => r.Error?.Id ?? "",
        _ => "",
    };
}

/// <summary>Source-generated log messages of <see cref="OutreachProspectClient"/>: prospect ids, statuses, error ids only.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "PATCH prospect {ProspectId}: HTTP {StatusCode} → {Outcome} {ErrorId}")]
    public static partial void Answered(ILogger logger, long prospectId, int statusCode, string outcome, string errorId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "PATCH prospect {ProspectId} failed without an answer: {Failure}")]
    public static partial void Failed(ILogger logger, long prospectId, string failure);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "PATCH prospect {ProspectId} not sent: no access token ({Outcome})")]
    public static partial void NoToken(ILogger logger, long prospectId, string outcome);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "PATCH prospect {ProspectId}: Outreach refused the refreshed access token too (401)")]
    public static partial void UnauthorizedAfterRefresh(ILogger logger, long prospectId);
}

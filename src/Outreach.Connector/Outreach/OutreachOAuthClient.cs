using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Outreach;

/// <summary>Outreach's OAuth 2.0 client: authorization URL, code exchange and refresh, with results as values.</summary>
/// <remarks>
/// A singleton that asks <see cref="IHttpClientFactory"/> for the named client <see cref="HttpClientName"/> per request,
/// so the pooled handler still rotates. Requests are form-urlencoded (both form and JSON are observed to work).
/// Nothing here logs a code, a token or the client secret: only grant types, status codes and OAuth error codes.
/// </remarks>
public sealed class OutreachOAuthClient(
    IHttpClientFactory httpClientFactory,
    IOptions<OutreachOptions> options,
    TimeProvider timeProvider,
    ILogger<OutreachOAuthClient> logger) : IOutreachOAuthClient
{
    /// <summary>The name of the <see cref="HttpClient"/> used for the token endpoint.</summary>
    public const string HttpClientName = "Outreach.OAuth";

    private const int MaxBodyBytes = 64 * 1024;
    private static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromHours(2);

    private readonly OutreachOptions _options = options.Value;

    /// <inheritdoc />
    public Uri BuildAuthorizationUrl(string state)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        var redirect = _options.RedirectUri ?? throw new InvalidOperationException("Outreach:RedirectUri is not configured.");
        var query = new StringBuilder();
        Append(query, "client_id", _options.ClientId);
        Append(query, "redirect_uri", redirect.AbsoluteUri);
        Append(query, "response_type", "code");
        Append(query, "scope", string.Join(' ', _options.ScopeList));
        Append(query, "state", state);
        var builder = new UriBuilder(_options.AuthorizeUrl);
        var existing = builder.Query.TrimStart('?');
        builder.Query = existing.Length == 0 ? query.ToString() : existing + "&" + query;
        return builder.Uri;
    }

    /// <inheritdoc />
    public Task<TokenEndpointOutcome> ExchangeCodeAsync(string code, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var redirect = _options.RedirectUri ?? throw new InvalidOperationException("Outreach:RedirectUri is not configured.");
        return RequestAsync(
            "authorization_code",
            [
                new("client_id", _options.ClientId),
                new("client_secret", _options.ClientSecret),
                new("redirect_uri", redirect.AbsoluteUri),
                new("grant_type", "authorization_code"),
                new("code", code),
            ],
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<TokenEndpointOutcome> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("client_id", _options.ClientId),
            new("client_secret", _options.ClientSecret),
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        };
        if (_options.SendRedirectUriOnRefresh && _options.RedirectUri is { } redirect)
        {
            fields.Add(new("redirect_uri", redirect.AbsoluteUri));
        }

        return RequestAsync("refresh_token", fields, cancellationToken);
    }

    private async Task<TokenEndpointOutcome> RequestAsync(string grantType, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.TokenUrl) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var now = timeProvider.GetUtcNow();
            var body = await ReadBodyAsync(response.Content, cancellationToken);
            var result = Classify(response, body, now);
            OAuthClientLog.TokenEndpointAnswered(logger, grantType, (int)response.StatusCode, Describe(result));
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            OAuthClientLog.TokenEndpointFailed(logger, grantType, "timeout");
            return new TokenEndpointOutcome.Transient(null, "The token endpoint did not answer in time.", null);
        }
        catch (HttpRequestException ex)
        {
            OAuthClientLog.TokenEndpointFailed(logger, grantType, ex.HttpRequestError.ToString());
            return new TokenEndpointOutcome.Transient(null, $"The token endpoint could not be reached ({ex.HttpRequestError}).", null);
        }
        catch (IOException)
        {
            OAuthClientLog.TokenEndpointFailed(logger, grantType, "connection reset");
            return new TokenEndpointOutcome.Transient(null, "The connection to the token endpoint failed.", null);
        }
    }

    private TokenEndpointOutcome Classify(HttpResponseMessage response, byte[] body, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return ReadGrant(body, now) is { } grant
                ? new TokenEndpointOutcome.Success(grant)
                : new TokenEndpointOutcome.Transient(status, "The token endpoint answered success without a readable access_token.", null);
        }

        var error = ReadOAuthError(body);
        switch (response.StatusCode)
        {
            case HttpStatusCode.TooManyRequests:
                var retryAt = RateLimitHeaders.ParseRetryAfter(response.Headers, now)
                    ?? RateLimitHeaders.Parse(response.Headers, now).ResetAt
                    ?? now + _options.RateLimitFallbackDelay;
                return new TokenEndpointOutcome.MintingLimited(retryAt > now ? retryAt : now + TimeSpan.FromSeconds(1));
            case HttpStatusCode.BadRequest when error is "invalid_client" or "unauthorized_client" or "unsupported_grant_type":
                return new TokenEndpointOutcome.ClientRejected(status, error);
            case HttpStatusCode.BadRequest:
                return new TokenEndpointOutcome.InvalidGrant(status, error);
            case HttpStatusCode.RequestTimeout:
                return new TokenEndpointOutcome.Transient(status, "The token endpoint timed out (408).", RateLimitHeaders.ParseRetryAfter(response.Headers, now));
            case >= HttpStatusCode.InternalServerError:
                return new TokenEndpointOutcome.Transient(status, $"The token endpoint failed ({status}).", RateLimitHeaders.ParseRetryAfter(response.Headers, now));
            default:
                return new TokenEndpointOutcome.ClientRejected(status, error);
        }
    }

    private static TokenGrant? ReadGrant(byte[] body, DateTimeOffset now)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "access_token") is not { Length: > 0 } accessToken)
            {
                return null;
            }

            var expiresIn = Number(root, "expires_in") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : DefaultAccessTokenLifetime;
            var createdAt = Number(root, "created_at") is { } created and > 0 ? RateLimitHeaders.ParseTime(created.ToString(CultureInfo.InvariantCulture), now) : null;
            var refreshToken = Text(root, "refresh_token");
            return new TokenGrant(
                accessToken,
                string.IsNullOrEmpty(refreshToken) ? null : refreshToken,
                expiresIn,
                Text(root, "scope"),
                createdAt,
                Text(root, "token_type"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ReadOAuthError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // RFC 6749 {"error":"invalid_grant"}; tolerate a JSON:API errors array too.
            if (Text(root, "error") is { } error)
            {
                return error;
            }

            return root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
                && errors[0].ValueKind == JsonValueKind.Object
                ? Text(errors[0], "id") ?? Text(errors[0], "code")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // Tolerates numbers sent as strings ("7200").
    private static long? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.TryGetInt64(out var integer) ? integer : (long?)Math.Round(value.GetDouble());
        }

        return value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0 && buffer.Length < MaxBodyBytes)
        {
            buffer.Write(chunk, 0, Math.Min(read, MaxBodyBytes - (int)buffer.Length));
        }

        return buffer.ToArray();
    }

    private static string Describe(TokenEndpointOutcome result) => result switch
    {
        TokenEndpointOutcome.Success => "success",
        TokenEndpointOutcome.InvalidGrant g => $"invalid grant ({g.Error ?? "no error code"})",
        TokenEndpointOutcome.MintingLimited => "minting limited",
        TokenEndpointOutcome.Transient => "transient failure",
        TokenEndpointOutcome.ClientRejected c => $"client rejected ({c.Error ?? "no error code"})",
        _ => "unknown",
    };

    private static void Append(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }
}

/// <summary>Source-generated log messages of <see cref="OutreachOAuthClient"/>. No codes, tokens or secrets.</summary>
internal static partial class OAuthClientLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Outreach token endpoint answered {GrantType} with HTTP {StatusCode}: {Result}")]
    public static partial void TokenEndpointAnswered(ILogger logger, string grantType, int statusCode, string result);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Outreach token endpoint request ({GrantType}) failed without a response: {Failure}")]
    public static partial void TokenEndpointFailed(ILogger logger, string grantType, string failure);
}

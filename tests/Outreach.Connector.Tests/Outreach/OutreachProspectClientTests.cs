using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Outreach;

public sealed class OutreachProspectClientTests
{
    private const string SecretValue = "Jane-Secret-Value-42";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly OutreachAccessToken Token = new("access-token-one", Now.AddHours(2));
    private static readonly OutreachAccessToken SecondToken = new("access-token-two", Now.AddHours(2));

    private readonly StubHttpHandler _handler = new();
    private readonly Mock<IAccessTokenProvider> _tokens = new(MockBehavior.Strict);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly LogCapture _logs = new();
    private readonly OutreachOptions _options = new() { ClientId = "id", ClientSecret = "secret", RedirectUri = new Uri("https://app.test/cb") };

    private static readonly IReadOnlyList<KeyValuePair<string, FieldValue>> Attributes =
    [
        KeyValuePair.Create("custom7", FieldValue.FromString("realized")),
        KeyValuePair.Create("firstName", FieldValue.FromString(SecretValue)),
    ];

    private OutreachProspectClient CreateClient(TimeSpan? timeout = null)
    {
        _options.ApiBaseUrl = new Uri("https://api.outreach.test/api/v2/");
        if (timeout is { } t)
        {
            _options.RequestTimeout = t;
        }

        // The client over the one Outreach pipeline, as registered: bearer, refresh-and-retry, timeout, rate-limit headers.
        return new OutreachProspectClient(OutreachApiSender.Create(_handler, _tokens.Object, _options, _time, loggerFactory: _logs.Factory()));
    }

    private void TokenIs(AccessTokenOutcome result) =>
        _tokens.Setup(t => t.GetAccessTokenAsync(It.IsAny<CancellationToken>())).ReturnsAsync(result);

    private void RefreshGives(AccessTokenOutcome result) =>
        _tokens.Setup(t => t.RefreshAfterRejectionAsync(Token, It.IsAny<CancellationToken>())).ReturnsAsync(result);

    [Fact]
    public async Task Patch_sends_the_json_api_body_with_the_bearer_token_to_the_prospect_url()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.OK, """{"data":{"type":"prospect","id":123}}""");

        await CreateClient().PatchProspectAsync(123, Attributes, CancellationToken.None);

        var request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("https://api.outreach.test/api/v2/prospects/123", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer access-token-one", request.Authorization);
        Assert.Equal("application/vnd.api+json", request.ContentType);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("prospect", body.RootElement.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal(123, body.RootElement.GetProperty("data").GetProperty("id").GetInt64());
        Assert.Equal("realized", body.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("custom7").GetString());
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.NoContent)]
    public async Task Success_status_is_applied_with_the_rate_limit_headers(HttpStatusCode status)
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(status, configure: r =>
        {
            r.Headers.TryAddWithoutValidation("X-RateLimit-Limit", "10000");
            r.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "9999, 19988");
            r.Headers.TryAddWithoutValidation("X-RateLimit-Reset", "1800");
        });

        var outcome = await CreateClient().PatchProspectAsync(1, Attributes, CancellationToken.None);

        var applied = Assert.IsType<OutreachCallOutcome.Succeeded>(outcome);
        Assert.Equal((int)status, applied.StatusCode);
        Assert.Equal(new RateLimitSnapshot(10000, 9999, Now.AddSeconds(1800)), applied.RateLimit);
    }

    [Theory]
    [InlineData(400, "badRequest")]
    [InlineData(403, "unauthorizedOauthScope")]
    [InlineData(404, "resourceNotFound")]
    [InlineData(409, "conflict")]
    [InlineData(415, "unsupportedMediaType")]
    [InlineData(422, "validationError")]
    [InlineData(410, "gone")]
    public async Task Client_errors_are_permanent_and_carry_outreachs_errors(int status, string id)
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond((HttpStatusCode)status, $$$"""{"errors":[{"id":"{{{id}}}","title":"T","detail":"D","source":{"pointer":"/data/attributes/custom7"}}]}""",
            configure: r => r.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "17"));

        var outcome = await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None);

        var permanent = Assert.IsType<OutreachCallOutcome.Permanent>(outcome);
        Assert.Equal(status, permanent.StatusCode);
        Assert.Equal(new OutreachError(id, "T", "D", "/data/attributes/custom7"), permanent.FirstError);
        Assert.Equal(17, permanent.RateLimit.Remaining);
    }

    [Fact]
    public async Task Permanent_error_with_a_non_json_body_is_tolerated()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.UnprocessableEntity, "<html>oops</html>", "text/html");

        var permanent = Assert.IsType<OutreachCallOutcome.Permanent>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal("<html>oops</html>", permanent.FirstError!.Detail);
    }

    [Fact]
    public async Task Rate_limited_waits_until_retry_after()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.TooManyRequests, """{"errors":[{"id":"rateLimitExceeded","title":"Rate Limit Exceeded"}]}""",
            configure: r => r.Headers.TryAddWithoutValidation("Retry-After", "120"));

        var limited = Assert.IsType<OutreachCallOutcome.RateLimited>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(Now.AddSeconds(120), limited.RetryAt);
        Assert.Equal("rateLimitExceeded", limited.Error!.Id);
    }

    [Fact]
    public async Task Rate_limited_uses_the_epoch_reset_header_without_retry_after()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        var reset = Now.AddMinutes(17);
        _handler.Respond(HttpStatusCode.TooManyRequests, configure: r =>
        {
            r.Headers.TryAddWithoutValidation("X-RateLimit-Reset", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            r.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "0");
        });

        var limited = Assert.IsType<OutreachCallOutcome.RateLimited>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(reset, limited.RetryAt);
        Assert.Equal(0, limited.RateLimit.Remaining);
    }

    [Fact]
    public async Task Rate_limited_reads_the_try_again_at_time_from_the_body_without_headers()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.TooManyRequests,
            """{"errors":[{"id":"rateLimitExceeded","title":"Rate Limit Exceeded","detail":"You have exceeded your permitted rate limit of 10,000; please try again at 2026-03-01T12:20:00."}]}""");

        var limited = Assert.IsType<OutreachCallOutcome.RateLimited>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 20, 0, TimeSpan.Zero), limited.RetryAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("Sun, 01 Mar 2026 11:00:00 GMT")]
    public async Task Rate_limited_without_a_usable_time_waits_the_fallback_minute(string? retryAfter)
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.TooManyRequests, "", configure: r =>
        {
            if (retryAfter is not null)
            {
                r.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }
        });

        var limited = Assert.IsType<OutreachCallOutcome.RateLimited>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(Now.AddSeconds(60), limited.RetryAt);
    }

    [Fact]
    public async Task Rate_limited_wait_is_capped_at_the_configured_maximum()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.TooManyRequests, configure: r => r.Headers.TryAddWithoutValidation("Retry-After", "2030-01-01T00:00:00Z"));

        var limited = Assert.IsType<OutreachCallOutcome.RateLimited>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(Now.AddHours(1), limited.RetryAt);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task Server_errors_are_transient(int status)
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond((HttpStatusCode)status, "<html>Bad gateway</html>", "text/html");

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(status, transient.StatusCode);
        Assert.Null(transient.RetryAt);
    }

    [Fact]
    public async Task Maintenance_503_carries_its_iso_retry_after()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.ServiceUnavailable, """{"errors":[{"id":"scheduledServerMaintenance"}]}""",
            configure: r => r.Headers.TryAddWithoutValidation("Retry-After", "2026-03-01T12:30:00Z"));

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero), transient.RetryAt);
    }

    [Fact]
    public async Task Timeout_is_transient_without_a_status()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Hang();

        var outcome = await CreateClient(timeout: TimeSpan.FromMilliseconds(200)).PatchProspectAsync(5, Attributes, CancellationToken.None);

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(outcome);
        Assert.Null(transient.StatusCode);
        Assert.Contains("in time", transient.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_reset_is_transient()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "reset", new IOException("Connection reset by peer")));

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Null(transient.StatusCode);
        Assert.Contains("ConnectionError", transient.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Io_failure_is_transient()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Throw(new IOException("Unable to read data from the transport connection"));

        Assert.IsType<OutreachCallOutcome.Transient>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));
    }

    [Fact]
    public async Task Caller_cancellation_throws()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Hang();
        using var cancel = new CancellationTokenSource();
        var patch = CreateClient().PatchProspectAsync(5, Attributes, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patch);
    }

    [Fact]
    public async Task Unauthorized_triggers_one_forced_refresh_and_one_retry_with_the_new_token()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        RefreshGives(new AccessTokenOutcome.Available(SecondToken));
        _handler.Respond(HttpStatusCode.Unauthorized).Respond(HttpStatusCode.OK);

        var outcome = await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None);

        Assert.IsType<OutreachCallOutcome.Succeeded>(outcome);
        Assert.Equal(["Bearer access-token-one", "Bearer access-token-two"], _handler.Requests.Select(r => r.Authorization));
        _tokens.Verify(t => t.RefreshAfterRejectionAsync(Token, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Second_unauthorized_is_unauthorized_and_never_loops()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        RefreshGives(new AccessTokenOutcome.Available(SecondToken));
        _tokens.Setup(t => t.RejectedAfterRefreshAsync(SecondToken, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessTokenOutcome.NeedsReauthorization("Outreach answered 401 to a freshly refreshed access token.", null));
        _handler.Respond(HttpStatusCode.Unauthorized).Respond(HttpStatusCode.Unauthorized);
        _handler.Fallback = (_, _) => throw new InvalidOperationException("A third request must never be sent.");

        var outcome = await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None);

        Assert.IsType<OutreachCallOutcome.Unauthorized>(outcome);
        Assert.Equal(2, _handler.Requests.Count);
        _tokens.Verify(t => t.RefreshAfterRejectionAsync(It.IsAny<OutreachAccessToken>(), It.IsAny<CancellationToken>()), Times.Once);

        // The refresh did not help: the connection is marked as needing re-authorization for every instance.
        _tokens.Verify(t => t.RejectedAfterRefreshAsync(SecondToken, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Unauthorized_whose_refresh_finds_the_connection_revoked_is_unauthorized_without_a_retry()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        RefreshGives(new AccessTokenOutcome.NeedsReauthorization("invalid_grant (HTTP 400)", Now));
        _handler.Respond(HttpStatusCode.Unauthorized);

        var outcome = await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None);

        Assert.Contains("re-authorization", Assert.IsType<OutreachCallOutcome.Unauthorized>(outcome).Reason, StringComparison.Ordinal);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Unauthorized_whose_refresh_is_throttled_is_transient_until_minting_is_allowed()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        RefreshGives(new AccessTokenOutcome.Unavailable("minting", Now.AddSeconds(45)));
        _handler.Respond(HttpStatusCode.Unauthorized);

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(Now.AddSeconds(45), transient.RetryAt);
    }

    [Fact]
    public async Task Connection_needing_reauthorization_is_unauthorized_without_calling_outreach()
    {
        TokenIs(new AccessTokenOutcome.NeedsReauthorization("invalid_grant (HTTP 400)", Now));

        var outcome = await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None);

        Assert.IsType<OutreachCallOutcome.Unauthorized>(outcome);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Connection_never_authorized_is_unauthorized_without_calling_outreach()
    {
        TokenIs(new AccessTokenOutcome.NotConnected("default"));

        Assert.IsType<OutreachCallOutcome.Unauthorized>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Refused_client_credentials_are_unauthorized_without_calling_outreach()
    {
        TokenIs(new AccessTokenOutcome.Refused("bad client secret"));

        Assert.IsType<OutreachCallOutcome.Unauthorized>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Unavailable_token_is_transient_with_its_retry_time_without_calling_outreach()
    {
        TokenIs(new AccessTokenOutcome.Unavailable("token endpoint down", Now.AddSeconds(10)));

        var transient = Assert.IsType<OutreachCallOutcome.Transient>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));

        Assert.Equal(Now.AddSeconds(10), transient.RetryAt);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Redirect_is_not_followed_and_is_transient()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        _handler.Respond(HttpStatusCode.Found, configure: r => r.Headers.Location = new Uri("https://elsewhere.test/"));

        Assert.IsType<OutreachCallOutcome.Transient>(await CreateClient().PatchProspectAsync(5, Attributes, CancellationToken.None));
    }

    [Fact]
    public async Task Logs_carry_prospect_ids_and_statuses_but_never_tokens_or_attribute_values()
    {
        TokenIs(new AccessTokenOutcome.Available(Token));
        RefreshGives(new AccessTokenOutcome.Available(SecondToken));
        _handler.Respond(HttpStatusCode.Unauthorized).Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"id":"validationError","detail":"bad"}]}""");

        await CreateClient().PatchProspectAsync(987654, Attributes, CancellationToken.None);

        var text = _logs.AllText;
        Assert.Contains("987654", text, StringComparison.Ordinal);
        Assert.Contains("422", text, StringComparison.Ordinal);
        Assert.DoesNotContain("access-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain("realized", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_types_redact_their_values_in_to_string()
    {
        Assert.DoesNotContain("access-token-one", Token.ToString(), StringComparison.Ordinal);
        var tokens = new ConnectionTokens(ConnectionStatus.Connected, "refresh-xyz", Now, "access-xyz", Now, Now, "s");
        Assert.DoesNotContain("xyz", tokens.ToString(), StringComparison.Ordinal);
        var grant = new TokenGrant("access-xyz", "refresh-xyz", TimeSpan.FromHours(2), "s", Now, "bearer");
        Assert.DoesNotContain("xyz", grant.ToString(), StringComparison.Ordinal);
    }
}

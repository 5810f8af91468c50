using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Outreach;

public sealed class OutreachOAuthClientTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly StubHttpHandler _handler = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly LogCapture _logs = new();

    private readonly OutreachOptions _options = new()
    {
        AuthorizeUrl = new Uri("https://api.outreach.test/oauth/authorize"),
        TokenUrl = new Uri("https://api.outreach.test/oauth/token"),
        ClientId = "client-1",
        ClientSecret = "client-secret-value",
        RedirectUri = new Uri("https://app.test/api/oauth/callback?x=1"),
        Scopes = "prospects.read  prospects.write",
    };

    private OutreachOAuthClient CreateClient() =>
        new(new SingleClientFactory(_handler), Options.Create(_options), _time, _logs.CreateLogger<OutreachOAuthClient>());

    private static Dictionary<string, string> Form(RecordedRequest request) =>
        QueryHelpers.ParseQuery(request.Body).ToDictionary(p => p.Key, p => p.Value.ToString());

    [Fact]
    public void Authorization_url_carries_client_redirect_response_type_scope_and_state_url_encoded()
    {
        var url = CreateClient().BuildAuthorizationUrl("st-ä/+=");

        Assert.StartsWith("https://api.outreach.test/oauth/authorize?", url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("scope=prospects.read%20prospects.write", url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=https%3A%2F%2Fapp.test%2Fapi%2Foauth%2Fcallback%3Fx%3D1", url.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(url.Query);
        Assert.Equal("client-1", query["client_id"]);
        Assert.Equal("https://app.test/api/oauth/callback?x=1", query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("prospects.read prospects.write", query["scope"]);
        Assert.Equal("st-ä/+=", query["state"]);
    }

    [Fact]
    public async Task Code_exchange_posts_the_form_and_parses_the_tokens()
    {
        _handler.Respond(HttpStatusCode.OK, """{"access_token":"at-1","token_type":"bearer","expires_in":7200,"refresh_token":"rt-1","scope":"prospects.read prospects.write","created_at":1772366400}""", "application/json");

        var result = await CreateClient().ExchangeCodeAsync("the-code", CancellationToken.None);

        var grant = Assert.IsType<TokenEndpointOutcome.Success>(result).Grant;
        Assert.Equal(new TokenGrant("at-1", "rt-1", TimeSpan.FromHours(2), "prospects.read prospects.write", DateTimeOffset.FromUnixTimeSeconds(1772366400), "bearer"), grant);
        var request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.outreach.test/oauth/token", request.Uri.AbsoluteUri);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["client_id"] = "client-1",
                ["client_secret"] = "client-secret-value",
                ["redirect_uri"] = "https://app.test/api/oauth/callback?x=1",
                ["grant_type"] = "authorization_code",
                ["code"] = "the-code",
            },
            Form(request));
    }

    [Fact]
    public async Task Refresh_posts_the_refresh_token_without_redirect_uri_by_default()
    {
        _handler.Respond(HttpStatusCode.OK, """{"access_token":"at-2","expires_in":"3600","refresh_token":"rt-2"}""", "application/json");

        var grant = Assert.IsType<TokenEndpointOutcome.Success>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None)).Grant;

        Assert.Equal("rt-2", grant.RefreshToken);
        Assert.Equal(TimeSpan.FromHours(1), grant.ExpiresIn);
        var form = Form(Assert.Single(_handler.Requests));
        Assert.Equal("refresh_token", form["grant_type"]);
        Assert.Equal("rt-1", form["refresh_token"]);
        Assert.False(form.ContainsKey("redirect_uri"));
    }

    [Fact]
    public async Task Refresh_sends_redirect_uri_when_configured()
    {
        _options.SendRedirectUriOnRefresh = true;
        _handler.Respond(HttpStatusCode.OK, """{"access_token":"at-2","refresh_token":"rt-2"}""", "application/json");

        var grant = Assert.IsType<TokenEndpointOutcome.Success>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None)).Grant;

        Assert.Equal("https://app.test/api/oauth/callback?x=1", Form(Assert.Single(_handler.Requests))["redirect_uri"]);
        Assert.Equal(TimeSpan.FromHours(2), grant.ExpiresIn);
        Assert.Null(grant.CreatedAt);
    }

    [Fact]
    public async Task Refresh_response_without_a_refresh_token_keeps_it_null()
    {
        _handler.Respond(HttpStatusCode.OK, """{"access_token":"at-2","expires_in":7200}""", "application/json");

        Assert.Null(Assert.IsType<TokenEndpointOutcome.Success>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None)).Grant.RefreshToken);
    }

    [Theory]
    [InlineData("""{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked"}""", "invalid_grant")]
    [InlineData("""{"errors":[{"id":"invalidGrant"}]}""", "invalidGrant")]
    [InlineData("not json", null)]
    [InlineData("", null)]
    public async Task Bad_request_is_an_invalid_grant(string body, string? error)
    {
        _handler.Respond(HttpStatusCode.BadRequest, body, "application/json");

        var invalid = Assert.IsType<TokenEndpointOutcome.InvalidGrant>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None));

        Assert.Equal(400, invalid.StatusCode);
        Assert.Equal(error, invalid.Error);
    }

    [Theory]
    [InlineData(400, """{"error":"invalid_client"}""")]
    [InlineData(400, """{"error":"unsupported_grant_type"}""")]
    [InlineData(401, """{"error":"invalid_client"}""")]
    [InlineData(403, "")]
    [InlineData(404, "")]
    public async Task Refusal_of_the_app_itself_is_client_rejected(int status, string body)
    {
        _handler.Respond((HttpStatusCode)status, body, "application/json");

        Assert.IsType<TokenEndpointOutcome.ClientRejected>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None));
    }

    [Fact]
    public async Task Too_many_requests_is_minting_limited_until_retry_after()
    {
        _handler.Respond(HttpStatusCode.TooManyRequests, """{"errors":[{"id":"rateLimitExceeded"}]}""", configure: r => r.Headers.TryAddWithoutValidation("Retry-After", "37"));

        var limited = Assert.IsType<TokenEndpointOutcome.MintingLimited>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None));

        Assert.Equal(Now.AddSeconds(37), limited.RetryAt);
    }

    [Fact]
    public async Task Too_many_requests_without_headers_waits_a_minute()
    {
        _handler.Respond(HttpStatusCode.TooManyRequests);

        Assert.Equal(Now.AddSeconds(60), Assert.IsType<TokenEndpointOutcome.MintingLimited>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None)).RetryAt);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task Server_errors_are_transient(int status)
    {
        _handler.Respond((HttpStatusCode)status, "oops", "text/plain");

        Assert.Equal(status, Assert.IsType<TokenEndpointOutcome.Transient>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None)).StatusCode);
    }

    [Theory]
    [InlineData("""{"token_type":"bearer"}""")]
    [InlineData("<html/>")]
    public async Task Success_without_a_readable_access_token_is_transient(string body)
    {
        _handler.Respond(HttpStatusCode.OK, body, "application/json");

        Assert.IsType<TokenEndpointOutcome.Transient>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None));
    }

    [Fact]
    public async Task Network_failure_is_transient()
    {
        _handler.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        Assert.IsType<TokenEndpointOutcome.Transient>(await CreateClient().RefreshAsync("rt-1", CancellationToken.None));
    }

    [Fact]
    public async Task Io_failure_is_transient()
    {
        _handler.Throw(new IOException("reset"));

        Assert.IsType<TokenEndpointOutcome.Transient>(await CreateClient().ExchangeCodeAsync("c", CancellationToken.None));
    }

    [Fact]
    public async Task Logs_never_contain_codes_tokens_or_the_client_secret()
    {
        _handler.Respond(HttpStatusCode.OK, """{"access_token":"at-SECRET","refresh_token":"rt-SECRET","expires_in":7200}""", "application/json");
        _handler.Respond(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"token rt-SECRET is revoked"}""", "application/json");

        await CreateClient().ExchangeCodeAsync("code-SECRET", CancellationToken.None);
        await CreateClient().RefreshAsync("rt-SECRET", CancellationToken.None);

        Assert.NotEmpty(_logs.Entries);
        Assert.DoesNotContain("SECRET", _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("client-secret-value", _logs.AllText, StringComparison.Ordinal);
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}

using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>The sign-in page and form at <c>/oauth/authorize</c>.</summary>
public sealed class AuthorizeTests
{
    [Fact]
    public async Task Authorize_shows_sign_in_form_for_a_registered_client()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await sandbox.Admin.GetAsync(AuthorizeUrl(sandbox, sandbox.ClientId, sandbox.RedirectUri));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("name=\"email\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"st-1\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_with_unknown_client_shows_error_page_400()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await sandbox.Admin.GetAsync(AuthorizeUrl(sandbox, "no-such-client", sandbox.RedirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown client_id", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://attacker.example/callback")]
    [InlineData("http://10.0.0.1/callback")]
    public async Task Authorize_with_unregistered_redirect_uri_shows_error_page_400(string redirectUri)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await sandbox.Admin.GetAsync(AuthorizeUrl(sandbox, sandbox.ClientId, redirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Loopback_redirect_uris_are_refused_when_the_client_does_not_allow_them()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.Clients.Add(new SandboxClient
        {
            ClientId = "strict",
            ClientSecret = "strict-secret",
            RedirectUris = { "https://app.example/callback" },
            AllowLoopbackRedirectUris = false,
        }));

        using var response = await sandbox.Admin.GetAsync(AuthorizeUrl(sandbox, "strict", "http://127.0.0.1:5000/callback"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Authorize_with_a_response_type_other_than_code_shows_error_page_400()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await sandbox.Admin.GetAsync(AuthorizeUrl(sandbox, sandbox.ClientId, sandbox.RedirectUri).Replace("response_type=code", "response_type=token", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sign_in_page_encodes_what_the_request_carried()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        var url = QueryHelpers.AddQueryString(sandbox.AuthorizeUri.ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = sandbox.ClientId,
            ["redirect_uri"] = sandbox.RedirectUri,
            ["response_type"] = "code",
            ["scope"] = "<b>prospects.all</b>",
            ["state"] = "\"><script>alert(1)</script>",
        });

        using var response = await sandbox.Admin.GetAsync(url);

        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>prospects", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_redirects_to_redirect_uri_with_code_and_the_exact_state()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        const string State = "a b&c=d/é+%";

        using var response = await PostSignInAsync(sandbox, sandbox.UserPassword, State, "http://127.0.0.1:7071/oauth/callback?tenant=1");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith("http://127.0.0.1:7071/oauth/callback?", location.OriginalString, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("1", query["tenant"]);
        Assert.Equal(State, query["state"]);
        Assert.StartsWith("sbx_code_", query["code"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_with_wrong_password_reshows_the_page_with_an_error()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        using var response = await PostSignInAsync(sandbox, "wrong-password", "s", sandbox.RedirectUri);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Invalid email or password.", html, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_post_with_unknown_client_shows_error_page_400()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => sandbox.AuthorizeAsync("s", clientId: "nobody"));

        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_redirects_with_access_denied_and_the_state()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = sandbox.ClientId,
            ["redirect_uri"] = sandbox.RedirectUri,
            ["response_type"] = "code",
            ["scope"] = "prospects.all",
            ["state"] = "s9",
            ["decision"] = "deny",
        });

        using var response = await sandbox.Admin.PostAsync(sandbox.AuthorizeUri, form);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("s9", query["state"]);
    }

    [Fact]
    public async Task Authorize_helper_returns_a_code_the_token_endpoint_accepts()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();

        var code = await sandbox.AuthorizeAsync("state-42");
        using var response = await sandbox.PostTokenFormAsync(sandbox.CodeGrant(code));

        var tokens = await response.ReadTokenAsync();
        Assert.Equal(SandboxServer.DefaultScope, tokens.Scope);
    }

    private static string AuthorizeUrl(SandboxServer sandbox, string clientId, string redirectUri) =>
        QueryHelpers.AddQueryString(sandbox.AuthorizeUri.ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = "prospects.read prospects.write",
            ["state"] = "st-1",
        });

    private static Task<HttpResponseMessage> PostSignInAsync(SandboxServer sandbox, string password, string state, string redirectUri) =>
        sandbox.Admin.PostAsync(sandbox.AuthorizeUri, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = sandbox.ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = "prospects.all",
            ["state"] = state,
            ["email"] = sandbox.UserEmail.ToUpperInvariant(),
            ["password"] = password,
        }));
}

using System.Net;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>Starting the sandbox: defaults, validation, in-process hosting and configuration binding.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Default_options_seed_the_demo_client_and_user_on_a_free_loopback_port()
    {
        await using var sandbox = await SandboxServer.StartAsync();

        Assert.Equal(SandboxClient.DemoClientId, sandbox.ClientId);
        Assert.Equal(SandboxClient.DemoClientSecret, sandbox.ClientSecret);
        Assert.Equal(SandboxUser.DemoEmail, sandbox.UserEmail);
        Assert.Equal(SandboxUser.DemoPassword, sandbox.UserPassword);
        Assert.Equal("127.0.0.1", sandbox.BaseAddress.Host);
        Assert.NotEqual(0, sandbox.BaseAddress.Port);
        Assert.Equal(new Uri(sandbox.BaseAddress, "api/v2/"), sandbox.ApiBaseAddress);
        Assert.NotNull(await sandbox.GetProspectAttributesAsync(1000));
        Assert.Null(await sandbox.GetProspectAttributesAsync(1001));
    }

    [Fact]
    public async Task Two_sandboxes_run_side_by_side_without_sharing_state()
    {
        await using var first = await SandboxTestKit.StartAsync();
        await using var second = await SandboxTestKit.StartAsync();
        using var api = await first.ConnectedApiAsync();

        (await api.PatchAttributesAsync(1, """{"custom1":"only-here"}""")).Dispose();

        Assert.NotEqual(first.BaseAddress, second.BaseAddress);
        Assert.False((await second.GetProspectAttributesAsync(1))!.Value.TryGetProperty("custom1", out _));
        Assert.Equal(0, (await second.GetCountersAsync()).TotalRequests);
    }

    [Theory]
    [InlineData("limit")]
    [InlineData("user")]
    [InlineData("custom")]
    [InlineData("faults")]
    [InlineData("duplicates")]
    [InlineData("listLength")]
    [InlineData("listStatus")]
    [InlineData("bulkRate")]
    public void Invalid_options_fail_at_start(string problem)
    {
        var options = new SandboxOptions();
        switch (problem)
        {
            case "limit": options.RateLimit.Limit = 0; break;
            case "user": options.Users.Add(new SandboxUser { Email = "", Password = "" }); break;
            case "custom": options.Prospects.MissingCustomFields.Add(151); break;
            case "duplicates": options.Prospects.DuplicateEmailEvery = 1; break;
            case "listLength": options.Prospects.MaxFilterListLength = 0; break;
            case "listStatus": options.Prospects.FilterListTooLongStatus = 500; break;
            case "bulkRate": options.Bulk.ItemsPerSecond = 0; break;
            default: options.Faults.ServerErrorRate = 2; break;
        }

        Assert.Throws<OptionsValidationException>(() => SandboxApp.Create(options));
    }

    [Fact]
    public async Task Command_line_configuration_binds_the_sandbox_section()
    {
        await using var app = SandboxApp.CreateFromArgs(
        [
            "--urls", "http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            "--Sandbox:RateLimit:Limit=5",
            "--Sandbox:Prospects:SeedCount=3",
            "--Sandbox:Users:0:Email=cli.user@outreach-sandbox.test",
            "--Sandbox:Users:0:Password=cli-password",
            "--Sandbox:OAuth:AccessTokenLifetime=00:30:00",
        ]);
        await app.StartAsync();
        var baseAddress = SandboxApp.GetBaseAddress(app);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };

        using var signIn = await http.PostAsync("oauth/authorize", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = SandboxClient.DemoClientId,
            ["redirect_uri"] = SandboxClient.DemoRedirectUri,
            ["scope"] = "prospects.all",
            ["email"] = "cli.user@outreach-sandbox.test",
            ["password"] = "cli-password",
        }));
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(signIn.Headers.Location!.Query)["code"].ToString();
        using var tokenResponse = await http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = SandboxClient.DemoClientId,
            ["client_secret"] = SandboxClient.DemoClientSecret,
            ["redirect_uri"] = SandboxClient.DemoRedirectUri,
            ["code"] = code,
        }));
        var tokens = await tokenResponse.ReadTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/prospects/4");
        request.Headers.Authorization = new("Bearer", tokens.AccessToken);
        using var missing = await http.SendAsync(request);

        Assert.Equal(1800, tokens.ExpiresIn);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("5", missing.Header("X-RateLimit-Limit"));
        await app.StopAsync();
    }
}

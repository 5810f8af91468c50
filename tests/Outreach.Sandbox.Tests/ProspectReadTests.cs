using System.Net;
using System.Text.Json;

namespace Outreach.Sandbox.Tests;

/// <summary>GET /api/v2/prospects/{id} and GET /api/v2/prospects?filter[id]=…: they return what was written.</summary>
public sealed class ProspectReadTests
{
    [Fact]
    public async Task Get_returns_what_was_written()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        (await api.PatchAttributesAsync(9, """{"custom7":"existing","tags":["vip"]}""")).Dispose();

        using var response = await api.GetAsync("prospects/9");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var attributes = document.RootElement.GetProperty("data").GetProperty("attributes");
        Assert.Equal("existing", attributes.GetProperty("custom7").GetString());
        Assert.Equal("vip", attributes.GetProperty("tags")[0].GetString());
        Assert.Equal("Sandbox9", attributes.GetProperty("lastName").GetString());
    }

    [Fact]
    public async Task Get_of_an_unknown_prospect_returns_404()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.GetAsync("prospects/999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Could not find 'prospect' with ID '999'.", (await response.ReadSingleErrorAsync()).Detail);
    }

    [Fact]
    public async Task Get_with_a_write_only_scope_returns_403()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync("prospects.write");

        using var one = await api.GetAsync("prospects/1");
        using var list = await api.GetAsync("prospects?filter[id]=1");

        Assert.Equal(HttpStatusCode.Forbidden, one.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal("unauthorizedOauthScope", (await one.ReadSingleErrorAsync()).Id);
    }

    [Fact]
    public async Task Filter_by_ids_returns_those_prospects_with_what_was_written()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        (await api.PatchAttributesAsync(2, """{"custom1":"two"}""")).Dispose();
        (await api.PatchAttributesAsync(3, """{"custom1":"three"}""")).Dispose();

        using var response = await api.GetAsync("prospects?filter[id]=3,2,999&fields[prospect]=custom1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = document.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([2L, 3L], data.Select(d => d.GetProperty("id").GetInt64()));
        Assert.Equal(["two", "three"], data.Select(d => d.GetProperty("attributes").GetProperty("custom1").GetString()));
        Assert.All(data, d => Assert.False(d.GetProperty("attributes").TryGetProperty("firstName", out _)));
    }

    [Fact]
    public async Task Filter_supports_ranges_and_pages_with_a_next_link()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var first = await api.GetAsync("prospects?filter[id]=4..8&page[size]=3");
        using var firstDocument = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var next = firstDocument.RootElement.GetProperty("links").GetProperty("next").GetString()!;
        using var second = await api.GetAsync(next);
        using var secondDocument = JsonDocument.Parse(await second.Content.ReadAsStringAsync());

        Assert.Equal([4L, 5L, 6L], firstDocument.RootElement.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.Equal([7L, 8L], secondDocument.RootElement.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.False(secondDocument.RootElement.TryGetProperty("links", out _));
    }

    [Fact]
    public async Task Filter_with_a_bad_id_returns_400()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.GetAsync("prospects?filter[id]=1,abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unsimulated_api_endpoints_return_404_resourceNotFound()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.GetAsync("accounts/1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("resourceNotFound", (await response.ReadSingleErrorAsync()).Id);
    }
}

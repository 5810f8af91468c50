using System.Net;
using System.Text.Json;

namespace Outreach.Sandbox.Tests;

/// <summary>GET /prospects?filter[emails]=…: exact match, case switch, multi-value switch, seeded duplicates; list limits.</summary>
public sealed class EmailFilterTests
{
    [Fact]
    public async Task An_email_finds_the_prospect_holding_it_exactly()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        Assert.Equal(new long[] { 7 }, await IdsAsync(api, "prospects?filter[emails]=prospect7@example.test"));
        Assert.Empty(await IdsAsync(api, "prospects?filter[emails]=prospect7@example"));
        Assert.Empty(await IdsAsync(api, "prospects?filter[emails]=prospect999@example.test"));
    }

    [Fact]
    public async Task A_written_email_is_found_and_the_old_one_no_longer()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        (await api.PatchAttributesAsync(5, """{"emails":["Ada.Lovelace@Example.test"]}""")).Dispose();

        Assert.Equal(new long[] { 5 }, await IdsAsync(api, "prospects?filter[emails]=Ada.Lovelace@Example.test"));
        Assert.Empty(await IdsAsync(api, "prospects?filter[emails]=prospect5@example.test"));
    }

    [Theory]
    [InlineData(false, new long[] { 5 })]
    [InlineData(true, new long[0])]
    public async Task Case_is_ignored_unless_the_switch_makes_the_match_case_sensitive(bool caseSensitive, long[] expected)
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.Prospects.EmailFilterCaseSensitive = caseSensitive);
        using var api = await sandbox.ConnectedApiAsync();
        (await api.PatchAttributesAsync(5, """{"emails":["Ada.Lovelace@Example.test"]}""")).Dispose();

        Assert.Equal(expected, await IdsAsync(api, "prospects?filter[emails]=ada.lovelace@example.test"));
    }

    [Fact]
    public async Task Seeded_duplicates_share_an_email()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.Prospects.DuplicateEmailEvery = 5);
        using var api = await sandbox.ConnectedApiAsync();

        Assert.Equal(new long[] { 4, 5 }, await IdsAsync(api, "prospects?filter[emails]=prospect4@example.test"));
        Assert.Equal(new long[] { 9, 10 }, await IdsAsync(api, "prospects?filter[emails]=prospect9@example.test"));
        Assert.Empty(await IdsAsync(api, "prospects?filter[emails]=prospect5@example.test"));
    }

    [Theory]
    [InlineData("prospects?filter[emails]=prospect2@example.test,prospect3@example.test")]
    [InlineData("prospects?newFilterSyntax=true&filter[emails][]=prospect2@example.test&filter[emails][]=prospect3@example.test")]
    public async Task Lists_match_nothing_when_the_multi_value_switch_is_off_and_each_email_when_on(string url)
    {
        await using var off = await SandboxTestKit.StartAsync();
        await using var on = await SandboxTestKit.StartAsync(options => options.Prospects.EmailFilterMultiValue = true);
        using var offApi = await off.ConnectedApiAsync();
        using var onApi = await on.ConnectedApiAsync();

        Assert.Empty(await IdsAsync(offApi, url));
        Assert.Equal(new long[] { 2, 3 }, await IdsAsync(onApi, url));
    }

    [Fact]
    public async Task A_filter_list_longer_than_the_maximum_is_refused_with_the_configured_status()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.Prospects.MaxFilterListLength = 3);
        await using var strict = await SandboxTestKit.StartAsync(options =>
        {
            options.Prospects.MaxFilterListLength = 3;
            options.Prospects.FilterListTooLongStatus = 422;
        });
        using var api = await sandbox.ConnectedApiAsync();
        using var strictApi = await strict.ConnectedApiAsync();

        using var accepted = await api.GetAsync("prospects?filter[id]=1,2,3");
        using var refused = await api.GetAsync("prospects?filter[id]=1,2,3,4");
        using var refusedNewSyntax = await api.GetAsync("prospects?filter[id][]=1&filter[id][]=2&filter[id][]=3&filter[id][]=4");
        using var refused422 = await strictApi.GetAsync("prospects?filter[id]=1,2,3,4");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, refused.StatusCode);
        Assert.Contains("at most 3", (await refused.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, refusedNewSyntax.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused422.StatusCode);
    }

    [Fact]
    public async Task New_filter_syntax_ids_and_sparse_fields_work_together()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.GetAsync("prospects?newFilterSyntax=true&filter[id][]=3&filter[id][]=1&fields[prospect]=lastName,emails");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = document.RootElement.GetProperty("data").EnumerateArray().ToList();

        Assert.Equal([1L, 3L], data.Select(d => d.GetProperty("id").GetInt64()));
        Assert.All(data, d => Assert.Equal(["emails", "lastName"], d.GetProperty("attributes").EnumerateObject().Select(p => p.Name).Order()));
    }

    private static async Task<long[]> IdsAsync(HttpClient api, string url)
    {
        using var response = await api.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetInt64())];
    }
}

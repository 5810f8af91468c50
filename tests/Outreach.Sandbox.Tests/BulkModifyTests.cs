using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;

namespace Outreach.Sandbox.Tests;

/// <summary>prospectsBulkModify, batches and batchItems: faithful filters and body shapes, async processing, scopes, cost.</summary>
public sealed class BulkModifyTests
{
    private const string AllScopes = "prospects.read prospects.write batches.read batches.write";
    private const string Action = "batches/actions/prospectsBulkModify?actionParams[skipConfirmation]=true";
    private const string SetCustom5 = """{"data":{"attributes":{"custom5":"bulk"}}}""";

    // Batches progress with the sandbox clock: a fake one makes "later" exact and the tests free of waiting.
    private readonly FakeTimeProvider _clock = SandboxTestKit.NewClock();

    private Task<SandboxServer> StartAsync(Action<SandboxOptions>? configure = null) => SandboxTestKit.StartAsync(configure, _clock);

    /// <summary>Lets a minute pass: at the default 200 items/s every batch of these tests has finished.</summary>
    private void Later() => _clock.Advance(TimeSpan.FromMinutes(1));

    [Theory]
    [InlineData("&actionParams[filter][id][]=2&actionParams[filter][id][]=4")]
    [InlineData("&actionParams[filter][id]=2&actionParams[filter][id]=4")]
    [InlineData("&actionParams[filter][id]=2,4")]
    public async Task Every_query_filter_form_selects_only_its_prospects(string filter)
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action + filter, SetCustom5);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.ReadBatchAsync()).GetProperty("total").GetInt32());
        Later();
        Assert.Equal("bulk,,bulk", string.Join(',', await Custom5Async(sandbox, 2, 3, 4)));
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Bulk.Unfiltered);
    }

    [Theory]
    [InlineData("""{"data":{"attributes":{"custom5":"bulk","title":"T","ids":[2]}}}""")]
    [InlineData("""{"data":{"attributes":{"fieldName":"custom5","fieldValue":"bulk","ids":[2]}}}""")]
    [InlineData("""{"data":{"attributes":{"field":"custom5","value":"bulk"}}}""")]
    public async Task Every_documented_body_shape_applies_its_value(string body)
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=2", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Later();
        Assert.Equal("bulk", string.Join(',', await Custom5Async(sandbox, 2)));
    }

    [Fact]
    public async Task An_unfiltered_action_modifies_every_prospect_and_is_counted()
    {
        await using var sandbox = await StartAsync();
        sandbox.ExpectsUnfilteredBulkActions = true;
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action, SetCustom5);

        Assert.Equal(20, (await response.ReadBatchAsync()).GetProperty("total").GetInt32());
        Later();
        Assert.All(await Custom5Async(sandbox, 1, 10, 20), value => Assert.Equal("bulk", value));
        var counters = (await sandbox.GetCountersAsync()).Bulk;
        Assert.Equal(1, counters.Unfiltered);
        Assert.Equal(1, counters.WithoutQueryFilter);
    }

    [Fact]
    public async Task An_empty_query_filter_counts_as_no_filter()
    {
        await using var sandbox = await StartAsync();
        sandbox.ExpectsUnfilteredBulkActions = true;
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=", SetCustom5);

        Assert.Equal(20, (await response.ReadBatchAsync()).GetProperty("total").GetInt32());
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Bulk.Unfiltered);
    }

    [Fact]
    public async Task Ids_only_in_the_body_are_ignored_by_default_so_every_prospect_is_hit()
    {
        await using var sandbox = await StartAsync();
        sandbox.ExpectsUnfilteredBulkActions = true;
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action, """{"data":{"attributes":{"custom5":"bulk","ids":[3]}}}""");

        Assert.Equal(20, (await response.ReadBatchAsync()).GetProperty("total").GetInt32());
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Bulk.Unfiltered);
    }

    [Fact]
    public async Task Ids_only_in_the_body_select_when_the_switch_honours_them()
    {
        await using var sandbox = await StartAsync(options => options.Bulk.HonourBodyIds = true);
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action, """{"data":{"attributes":{"fieldName":"custom5","fieldValue":"bulk","ids":[3]}}}""");

        Assert.Equal(1, (await response.ReadBatchAsync()).GetProperty("total").GetInt32());
        Later();
        Assert.Equal("bulk,", string.Join(',', await Custom5Async(sandbox, 3, 4)));
        var counters = (await sandbox.GetCountersAsync()).Bulk;
        Assert.Equal(0, counters.Unfiltered);
        Assert.Equal(1, counters.WithoutQueryFilter);
    }

    [Fact]
    public async Task Items_are_processed_asynchronously_at_the_configured_rate()
    {
        var clock = _clock;
        await using var sandbox = await StartAsync(options => options.Bulk.ItemsPerSecond = 2);
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action + "&actionParams[filter][id]=1,2,3,4", SetCustom5);
        var id = (await response.ReadResourceAsync()).GetProperty("id").GetInt64();
        clock.Advance(TimeSpan.FromSeconds(1));
        var halfway = await api.GetBatchAsync(id);
        clock.Advance(TimeSpan.FromSeconds(1));
        var done = await api.GetBatchAsync(id);

        Assert.Equal(2, halfway.GetProperty("pending").GetInt32());
        Assert.Equal(JsonValueKind.Null, halfway.GetProperty("finishedAt").ValueKind);
        Assert.Equal(0, done.GetProperty("pending").GetInt32());
        Assert.Equal("2026-01-01T00:10:02.000Z", done.GetProperty("finishedAt").GetString());
        Assert.Equal("bulk,bulk,bulk,bulk", string.Join(',', await Custom5Async(sandbox, 1, 2, 3, 4)));
    }

    [Fact]
    public async Task Without_skip_confirmation_the_batch_waits_for_a_confirm_with_its_total()
    {
        await using var sandbox = await StartAsync(options => options.Bulk.ItemsPerSecond = 1000);
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync("batches/actions/prospectsBulkModify?actionParams[filter][id][]=2", SetCustom5);
        var id = (await response.ReadResourceAsync()).GetProperty("id").GetInt64();
        var waiting = await api.GetBatchAsync(id);
        using var wrongCount = await api.PostAsync($"batches/{id}/actions/confirm?actionParams[confirmedCount]=5", null);
        using var confirm = await api.PostAsync($"batches/{id}/actions/confirm?actionParams[confirmedCount]=1", null);

        Assert.Equal(1, waiting.GetProperty("pending").GetInt32());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("startedAt").ValueKind);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongCount.StatusCode);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Later();
        Assert.Equal("bulk", string.Join(',', await Custom5Async(sandbox, 2)));
    }

    [Fact]
    public async Task Batch_items_report_unknown_prospects_and_validation_errors_with_their_data()
    {
        await using var sandbox = await StartAsync(options => options.Bulk.ValidationFailureIds.Add(3));
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=2&actionParams[filter][id][]=3&actionParams[filter][id][]=999", SetCustom5);
        var id = (await response.ReadResourceAsync()).GetProperty("id").GetInt64();
        Later();
        var all = await api.GetItemsAsync($"batchItems?filter[batch][id]={id}");
        var failed = await api.GetItemsAsync($"batchItems?filter[batchId]={id}&filter[failed]=true");

        Assert.Equal(3, all.Count);
        Assert.Equal(2, failed.Count);
        Assert.Equal([3L, 999L], failed.Select(item => item.GetProperty("data").GetProperty("id").GetInt64()));
        Assert.All(failed, item => Assert.True(item.GetProperty("failed").GetBoolean()));
        Assert.Contains("Could not find 'prospect' with ID '999'", failed[1].GetProperty("info").GetString(), StringComparison.Ordinal);
        Assert.Contains("Validation", failed[0].GetProperty("info").GetString(), StringComparison.Ordinal);
        Assert.Equal("bulk", failed[0].GetProperty("data").GetProperty("attributes").GetProperty("custom5").GetString());
    }

    [Theory]
    [InlineData("prospects.read prospects.write batches.read", "batches.write")]
    [InlineData("prospects.read prospects.write batches.write", "batches.read")]
    [InlineData("prospects.read batches.read batches.write", "prospects.write")]
    public async Task A_missing_scope_is_refused_with_403_naming_it(string scope, string missing)
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(scope);

        using var response = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=2", SetCustom5);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal("unauthorizedOauthScope", error.Id);
        Assert.Contains(missing, error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Bulk.Calls);
    }

    [Fact]
    public async Task Reading_batches_needs_batches_read()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync("prospects.read prospects.write");

        using var batch = await api.GetAsync("batches/1");
        using var items = await api.GetAsync("batchItems?filter[batch][id]=1");

        Assert.Equal(HttpStatusCode.Forbidden, batch.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, items.StatusCode);
    }

    [Theory]
    [InlineData(BulkRateLimitCost.PerCall, "9999")]
    [InlineData(BulkRateLimitCost.PerItem, "9995")]
    public async Task A_bulk_call_costs_one_request_or_one_per_item(BulkRateLimitCost cost, string remaining)
    {
        await using var sandbox = await StartAsync(options => options.Bulk.RateLimitCost = cost);
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var response = await api.PostBulkAsync(Action + "&actionParams[filter][id]=1,2,3,4,5", SetCustom5);

        Assert.Equal(remaining, response.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Bad_requests_are_4xx_and_create_no_batch()
    {
        await using var sandbox = await StartAsync(options => options.Prospects.MaxFilterListLength = 3);
        using var api = await sandbox.ConnectedApiAsync(AllScopes);

        using var unknownField = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=2", """{"data":{"attributes":{"custom999":"x"}}}""");
        using var noField = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=2", """{"data":{"attributes":{"ids":[2]}}}""");
        using var badId = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=abc", SetCustom5);
        using var otherFilter = await api.PostBulkAsync(Action + "&actionParams[filter][emails]=a", SetCustom5);
        using var tooLong = await api.PostBulkAsync(Action + "&actionParams[filter][id]=1,2,3,4", SetCustom5);
        using var notJson = await api.PostBulkAsync(Action + "&actionParams[filter][id][]=2", "{");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownField.StatusCode);
        Assert.Equal("/data/attributes/custom999", (await unknownField.ReadSingleErrorAsync()).Source!.Pointer);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noField.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherFilter.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Bulk.Calls);
    }

    [Fact]
    public async Task Reset_clears_batches_and_bulk_counters()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(AllScopes);
        (await api.PostBulkAsync(Action, SetCustom5)).Dispose();

        await sandbox.ResetAsync();
        using var batch = await api.GetAsync("batches/1");

        Assert.Equal(HttpStatusCode.NotFound, batch.StatusCode);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Bulk.Unfiltered);
    }

    private static async Task<string?[]> Custom5Async(SandboxServer sandbox, params long[] ids)
    {
        var values = new List<string?>();
        foreach (var id in ids)
        {
            var attributes = (await sandbox.GetProspectAttributesAsync(id))!.Value;
            values.Add(attributes.TryGetProperty("custom5", out var value) ? value.GetString() : null);
        }

        return [.. values];
    }
}

/// <summary>Requests and answers of the bulk endpoints.</summary>
internal static class BulkRequests
{
    public static Task<HttpResponseMessage> PostBulkAsync(this HttpClient api, string url, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(SandboxTestKit.JsonApi);
        return api.PostAsync(url, content);
    }

    public static async Task<JsonElement> ReadResourceAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("data").Clone();
    }

    public static async Task<JsonElement> ReadBatchAsync(this HttpResponseMessage response) =>
        (await response.ReadResourceAsync()).GetProperty("attributes");

    public static async Task<JsonElement> GetBatchAsync(this HttpClient api, long id)
    {
        using var response = await api.GetAsync($"batches/{id}");
        return await response.ReadBatchAsync();
    }

    public static async Task<IReadOnlyList<JsonElement>> GetItemsAsync(this HttpClient api, string url)
    {
        using var response = await api.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.GetProperty("data").EnumerateArray().Select(item => item.GetProperty("attributes").Clone())];
    }
}

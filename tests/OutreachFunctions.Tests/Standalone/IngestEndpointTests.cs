using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Outreach.Connector.Updates;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Standalone;

[Collection(AzuriteCollection.Name)]
public sealed class IngestEndpointTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private StandaloneConnector _connector = null!;

    public async Task InitializeAsync() => _connector = await StandaloneConnector.StartAsync(azurite);

    public async Task DisposeAsync() => await _connector.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Sample(string name) => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "exports", name));

    private async Task<List<ProspectUpdate>> QueuedUpdatesAsync()
    {
        var queue = new QueueClient(azurite.ConnectionString, _connector.QueueName);
        var messages = await queue.PeekMessagesAsync(32);
        return [.. messages.Value.SelectMany(m => UpdateBatchFormat.Deserialize(m.Body.ToMemory())).Select(q => q.Update)];
    }

    [Fact]
    public async Task Sample_batch_is_accepted_and_one_update_per_prospect_is_queued_in_one_message()
    {
        var response = await _connector.Client.PostAsync("/api/profiles", Json(Sample("batch-of-ten.json")));
        var queue = new QueueClient(azurite.ConnectionString, _connector.QueueName);
        Assert.Single((await queue.PeekMessagesAsync(32)).Value);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(10, body.RootElement.GetProperty("accepted").GetInt32());
        var queued = await QueuedUpdatesAsync();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), queued.Select(u => u.ProspectId).Order());
    }

    [Fact]
    public async Task Queued_updates_never_expire_so_a_long_pause_loses_nothing()
    {
        await _connector.Client.PostAsync("/api/profiles", Json(Sample("single-profile.json")));

        var queue = new QueueClient(azurite.ConnectionString, _connector.QueueName);
        var message = Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        Assert.True(message.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"the message expires at {message.ExpiresOn:O}");
    }

    [Fact]
    public async Task Mixed_request_queues_the_valid_profile_and_explains_the_others()
    {
        var response = await _connector.Client.PostAsync("/api/profiles", Json(Sample("mixed-valid-and-invalid.json")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal((1, 2, 1), (root.GetProperty("accepted").GetInt32(), root.GetProperty("excluded").GetInt32(), root.GetProperty("invalid").GetInt32()));
        var invalid = Assert.Single(root.GetProperty("invalidProfiles").EnumerateArray());
        Assert.Equal("$[2].segmentMembership.ups['aaaaaaaa-1111-4000-8000-000000000001'].status", invalid.GetProperty("errorPath").GetString());
        Assert.Equal(
            ["no_outreach_identity", "identity_not_positive_integer"],
            root.GetProperty("excludedProfiles").EnumerateArray().Select(e => e.GetProperty("reason").GetString()));
        Assert.Equal(1, Assert.Single(await QueuedUpdatesAsync()).ProspectId);
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_where_and_queues_nothing()
    {
        var response = await _connector.Client.PostAsync("/api/profiles", Json("[{\"identityMap\": {\"oid\": [{\"id\": \"1\"}]}}, {"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("malformed_json", error.GetProperty("code").GetString());
        Assert.StartsWith("line 1, byte ", error.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Empty(await QueuedUpdatesAsync());
    }

    [Fact]
    public async Task Request_with_no_usable_profile_is_422_and_says_why()
    {
        var response = await _connector.Client.PostAsync("/api/profiles", Json("""{"identityMap":{"oid":[{"id":"abc"}]},"person":{"name":{"firstName":"X"}}}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("no_profile_accepted", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("identity_not_positive_integer", body.RootElement.GetProperty("excludedProfiles")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Oversized_body_is_413()
    {
        await using var small = await StandaloneConnector.StartAsync(azurite, settings: new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "2048" });
        var response = await small.Client.PostAsync("/api/profiles", Json(Sample("batch-of-ten.json")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-secret")]
    [InlineData("Basic dGVzdA==")]
    [InlineData("Bearer ")]
    public async Task Request_without_the_secret_is_401_and_queues_nothing(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_connector.BaseAddress, "/api/profiles")) { Content = Json(Sample("single-profile.json")) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var anonymous = new HttpClient();
        var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Empty(await QueuedUpdatesAsync());
    }

    [Fact]
    public async Task Missing_bearer_secret_setting_stops_the_app_at_start_naming_the_setting()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() =>
            StandaloneConnector.StartAsync(azurite, settings: new Dictionary<string, string?> { ["Ingest:BearerSecret"] = "" }));
        Assert.Contains("Ingest__BearerSecret", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_mapping_stops_the_app_at_start_with_the_marketer_message()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => StandaloneConnector.StartAsync(azurite, settings: new Dictionary<string, string?>
        {
            ["Mapping:Audiences:0:AudienceId"] = "extra",
            ["Mapping:Audiences:0:Name"] = "High intent",
            ["Mapping:Audiences:0:MappingId"] = "151",
        }));
        Assert.Contains("Audience 'High intent' has mapping ID 151; Outreach has custom fields 1 to 150.", exception.Message, StringComparison.Ordinal);
    }
}

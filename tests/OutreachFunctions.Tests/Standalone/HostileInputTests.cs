using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Outreach.Connector.Queueing;
using Outreach.Testing;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Standalone;

/// <summary>
/// What a hostile or careless client sends to the standalone connector over loopback HTTP: each case gets a 4xx with
/// what and where, or the bad profile alone is invalid while the good ones are queued; never a 5xx.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostileInputTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string HighIntent = "aaaaaaaa-1111-4000-8000-000000000001";
    private readonly RecordingUpdateQueue _queue = new();
    private StandaloneConnector _connector = null!;

    public async Task InitializeAsync() => _connector = await StandaloneConnector.StartAsync(
        azurite, replaceServices: services => services.AddSingleton<IUpdateQueue>(_queue));

    public async Task DisposeAsync() => await _connector.DisposeAsync();

    // A valid profile whose first name is given as raw JSON text (escapes included).
    private static string Profile(long id, string firstNameJson = "\"Ada\"") =>
        "{\"person\":{\"name\":{\"firstName\":" + firstNameJson + "}},\"segmentMembership\":{\"ups\":{" + Audiences("realized")
        + "}},\"identityMap\":{\"oid\":[{\"id\":\"" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}]}}";

    private static string Audiences(params string[] statuses) =>
        string.Join(",", statuses.Select(s => "\"" + HighIntent + "\":{\"status\":\"" + s + "\"}"));

    private static string Batch(int count, int badIndex, string badProfile) =>
        "[" + string.Join(",", Enumerable.Range(1, count).Select(i => i - 1 == badIndex ? badProfile : Profile(i))) + "]";

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PostAsync(string json, string? contentType = "application/json")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await _connector.Client.PostAsync("/api/profiles", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static JsonElement SingleInvalid(JsonElement body) => Assert.Single(body.GetProperty("invalidProfiles").EnumerateArray());

    [Theory]
    [InlineData("\"\\ud800\"", "lone surrogate")]
    [InlineData("\"Ada\\udc00x\"", "lone surrogate")]
    [InlineData("\"A\\u0000da\"", "U+0000")]
    [InlineData("\"A\\u0007da\"", "U+0007")]
    [InlineData("\"A\\u009Fda\"", "U+009F")]
    public async Task Malformed_text_in_one_profile_makes_only_that_profile_invalid_with_its_path(string firstName, string expected)
    {
        var (status, body, text) = await PostAsync(Batch(10, 3, Profile(4, firstName)));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(9, body.GetProperty("accepted").GetInt32());
        var invalid = SingleInvalid(body);
        Assert.Equal("$[3].person.name.firstName", invalid.GetProperty("errorPath").GetString());
        Assert.Contains(expected, invalid.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", text, StringComparison.Ordinal);
        Assert.Equal([1L, 2, 3, 5, 6, 7, 8, 9, 10], _queue.Drain().Select(u => u.ProspectId).Order());
    }

    [Fact]
    public async Task Tab_and_line_breaks_stay_accepted_text()
    {
        var (status, body, _) = await PostAsync(Batch(1, 0, Profile(1, "\"Ada\\tB\\r\\nC\"")));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Lone_surrogate_in_a_key_makes_the_profile_invalid_not_the_request()
    {
        var bad = Profile(2).Replace("\"person\"", "\"pers\\ud800on\"", StringComparison.Ordinal);
        var (status, body, _) = await PostAsync(Batch(2, 1, bad));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(@"$[1]['pers\ud800on']", SingleInvalid(body).GetProperty("errorPath").GetString());
    }

    [Theory]
    [InlineData("""{"oid":[{"id":"2"}],"oid":[{"id":"3"}]}""", "$[1].identityMap.oid", "\"oid\"")]
    [InlineData("""{"oid":[{"id":"2","id":"3"}]}""", "$[1].identityMap.oid[0].id", "\"id\"")]
    public async Task Repeated_key_makes_the_profile_invalid_naming_the_key_and_its_path(string identityMap, string path, string key)
    {
        var bad = Profile(2).Replace("""{"oid":[{"id":"2"}]}""", identityMap, StringComparison.Ordinal);
        var (status, body, _) = await PostAsync(Batch(3, 1, bad));

        Assert.Equal(HttpStatusCode.Accepted, status);
        var invalid = SingleInvalid(body);
        Assert.Equal(path, invalid.GetProperty("errorPath").GetString());
        Assert.Contains(key, invalid.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal([1L, 3], _queue.Drain().Select(u => u.ProspectId).Order());
    }

    [Fact]
    public async Task Repeated_audience_is_refused_like_any_other_repeated_key()
    {
        var bad = Profile(1).Replace(Audiences("realized"), Audiences("realized", "exited"), StringComparison.Ordinal);
        var (status, body, _) = await PostAsync(bad);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal($"$.segmentMembership.ups['{HighIntent}']", SingleInvalid(body).GetProperty("errorPath").GetString());
    }

    [Fact]
    public async Task Repeated_profiles_key_of_the_wrapper_is_400_naming_it()
    {
        var (status, body, _) = await PostAsync($$"""{"profiles":[{{Profile(1)}}],"profiles":[{{Profile(2)}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("duplicate_key", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("$.profiles", body.GetProperty("error").GetProperty("location").GetString());
        Assert.Empty(_queue.Drain());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task Media_types_other_than_json_are_415_and_queue_nothing(string contentType)
    {
        var (status, body, _) = await PostAsync(Profile(1), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_queue.Drain());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.adobe.xed+json")]
    public async Task Json_media_types_and_a_missing_type_are_accepted(string? contentType)
    {
        var (status, _, _) = await PostAsync(Profile(1), contentType);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Single(_queue.Drain());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_over_the_server_limit_is_413_with_our_limit_whatever_the_transfer_encoding(bool chunked)
    {
        // 31 MB: more than Kestrel's own 30 MB limit, which used to throw (500) when the length was declared.
        var huge = new byte[31 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        huge[0] = (byte)'[';
        using var content = chunked ? (HttpContent)new StreamContent(new NonSeekableStream(huge)) : new ByteArrayContent(huge);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _connector.Client.PostAsync("/api/profiles", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("4194304 bytes", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_answer_json_with_readable_messages()
    {
        var notFound = await _connector.Client.GetAsync("/api/it's-not-here");
        var wrongMethod = await _connector.Client.GetAsync("/api/profiles");

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        foreach (var response in new[] { notFound, wrongMethod })
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("\\u0027", text, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString()));
        }

        Assert.Contains("it's-not-here", await notFound.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/status/connection")]
    [InlineData("/api/oauth/connect")]
    [InlineData("/api/status/data")]
    public async Task Unauthorized_answers_are_json(string route)
    {
        using var anonymous = new HttpClient { BaseAddress = _connector.BaseAddress };

        var response = await anonymous.GetAsync(route);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Refused_requests_are_counted_by_reason_on_the_status_data()
    {
        await PostAsync(Profile(1), "text/plain");
        await PostAsync(Profile(1), "text/plain");
        await PostAsync("{", "application/json");

        var status = JsonDocument.Parse(await _connector.Client.GetStringAsync("/api/status/data")).RootElement.GetProperty("refusals");

        Assert.Equal(3, status.GetProperty("total").GetInt64());
        Assert.Equal(2, status.GetProperty("byReason").GetProperty("unsupported_media_type").GetInt64());
        Assert.Equal(1, status.GetProperty("byReason").GetProperty("malformed_json").GetInt64());
        var newest = status.GetProperty("recent")[0];
        Assert.Equal(("malformed_json", 400), (newest.GetProperty("reason").GetString(), newest.GetProperty("statusCode").GetInt32()));
    }

    // Forces chunked transfer: HttpClient cannot know the length of a stream that cannot seek.
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;
    }
}

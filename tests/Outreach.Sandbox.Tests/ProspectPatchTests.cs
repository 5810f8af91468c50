using System.Net;
using System.Text.Json;

namespace Outreach.Sandbox.Tests;

/// <summary>PATCH /api/v2/prospects/{id}: success, and each validation status with its JSON:API error shape.</summary>
public sealed class ProspectPatchTests
{
    [Fact]
    public async Task Patch_returns_200_with_the_updated_resource()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAttributesAsync(7, """{"custom3":"realized","title":"CTO"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SandboxTestKit.JsonApi, response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = document.RootElement.GetProperty("data");
        Assert.Equal("prospect", data.GetProperty("type").GetString());
        Assert.Equal(7, data.GetProperty("id").GetInt64());
        Assert.Equal("realized", data.GetProperty("attributes").GetProperty("custom3").GetString());
        Assert.Equal("CTO", data.GetProperty("attributes").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Patch_changes_only_the_sent_attributes()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        var before = (await sandbox.GetProspectAttributesAsync(4))!.Value;
        (await api.PatchAttributesAsync(4, """{"custom1":"a"}""")).Dispose();

        (await api.PatchAttributesAsync(4, """{"custom2":"b"}""")).Dispose();

        var after = (await sandbox.GetProspectAttributesAsync(4))!.Value;
        Assert.Equal("a", after.GetProperty("custom1").GetString());
        Assert.Equal("b", after.GetProperty("custom2").GetString());
        Assert.Equal(before.GetProperty("firstName").GetString(), after.GetProperty("firstName").GetString());
        Assert.Equal(before.GetProperty("emails").GetRawText(), after.GetProperty("emails").GetRawText());
    }

    [Fact]
    public async Task Patch_accepts_every_kind_of_writable_attribute()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAttributesAsync(2, """
            {"emails":["a@example.test","b@example.test"],"tags":["x"],"workPhones":[],"score":4.5,"optedOut":true,
             "availableAt":"2026-02-01T10:00:00Z","custom150":null,"linkedInUrl":"https://example.test/in/x","personalNote1":"note"}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await sandbox.GetProspectAttributesAsync(2))!.Value;
        Assert.Equal(2, stored.GetProperty("emails").GetArrayLength());
        Assert.True(stored.GetProperty("optedOut").GetBoolean());
        Assert.Equal(4.5, stored.GetProperty("score").GetDouble());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("custom150").ValueKind);
    }

    [Fact]
    public async Task Patch_accepts_a_string_id_and_a_charset_parameter()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAsync(3, """{"data":{"type":"prospect","id":"3","attributes":{"custom1":"x"}}}""", "application/vnd.api+json; charset=utf-8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Patch_accepts_relationships_and_ignores_them()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAsync(6, """{"data":{"type":"prospect","id":6,"attributes":{"custom1":"x"},"relationships":{"account":{"data":{"type":"account","id":3}}}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Prospects_far_beyond_the_default_seed_exist_when_configured()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.Prospects.SeedCount = 5_000_000);
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAttributesAsync(4_999_999, """{"custom9":"deep"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Sandbox4999999", (await sandbox.GetProspectAttributesAsync(4_999_999))!.Value.GetProperty("lastName").GetString());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task Patch_without_jsonapi_content_type_returns_415(string contentType)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAsync(1, """{"data":{"type":"prospect","id":1,"attributes":{}}}""", contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal("unsupportedMediaType", error.Id);
        Assert.NotNull(error.Detail);
    }

    [Fact]
    public async Task Patch_415_can_put_its_message_under_details_like_the_docs_example()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.Prospects.UnsupportedMediaTypeUsesDetailsKey = true);
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAsync(1, "{}", "application/json");

        var error = await response.ReadSingleErrorAsync();
        Assert.Null(error.Detail);
        Assert.Contains("application/vnd.api+json", error.Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sbx_at_unknown")]
    public async Task Patch_without_a_valid_access_token_returns_401(string? token)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = new HttpClient { BaseAddress = sandbox.ApiBaseAddress };
        if (token is not null)
        {
            api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        using var response = await api.PatchAttributesAsync(1, """{"custom1":"x"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await response.ReadSingleErrorAsync()).Id);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Patch_with_a_read_only_scope_returns_403_unauthorizedOauthScope()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync("prospects.read");

        using var response = await api.PatchAttributesAsync(1, """{"custom1":"x"}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal("unauthorizedOauthScope", error.Id);
        Assert.Contains("prospects.write", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_with_prospects_all_scope_is_allowed()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync("prospects.all");

        using var response = await api.PatchAttributesAsync(1, """{"custom1":"x"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Patch_of_an_unknown_prospect_returns_404_resourceNotFound()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.Prospects.SeedCount = 5);
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAttributesAsync(7, """{"custom1":"x"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal("resourceNotFound", error.Id);
        Assert.Equal("Could not find 'prospect' with ID '7'.", error.Detail);
    }

    [Theory]
    [InlineData("favoriteColor")]
    [InlineData("custom0")]
    [InlineData("custom151")]
    [InlineData("name")]
    [InlineData("updatedAt")]
    public async Task Patch_of_an_unknown_or_read_only_attribute_returns_422_with_its_pointer(string attribute)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAttributesAsync(1, $$"""{"{{attribute}}":"x"}""");

        await AssertValidationErrorAsync(response, "/data/attributes/" + attribute);
    }

    [Fact]
    public async Task Patch_of_a_custom_field_not_created_in_the_org_returns_422()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(o => o.Prospects.MissingCustomFields.Add(42));
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAttributesAsync(1, """{"custom42":"x"}""");

        var error = await AssertValidationErrorAsync(response, "/data/attributes/custom42");
        Assert.Contains("not been created", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("firstName", 255)]
    [InlineData("title", 255)]
    [InlineData("custom1", 32_000)]
    [InlineData("custom150", 32_000)]
    [InlineData("linkedInUrl", 1000)]
    public async Task Patch_value_longer_than_the_maximum_returns_422_and_the_maximum_is_accepted(string attribute, int maxLength)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var atLimit = await api.PatchAttributesAsync(1, $$"""{"{{attribute}}":"{{new string('é', maxLength)}}"}""");
        using var tooLong = await api.PatchAttributesAsync(1, $$"""{"{{attribute}}":"{{new string('a', maxLength + 1)}}"}""");

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        var error = await AssertValidationErrorAsync(tooLong, "/data/attributes/" + attribute);
        Assert.Contains($"maximum is {maxLength}", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("score", "\"high\"")]
    [InlineData("optedOut", "\"yes\"")]
    [InlineData("emails", "\"a@example.test\"")]
    [InlineData("tags", "[1,2]")]
    [InlineData("custom1", "5")]
    [InlineData("firstName", "{\"a\":1}")]
    [InlineData("availableAt", "\"next tuesday\"")]
    public async Task Patch_value_of_the_wrong_type_returns_422(string attribute, string json)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAttributesAsync(1, $$"""{"{{attribute}}":{{json}}}""");

        await AssertValidationErrorAsync(response, "/data/attributes/" + attribute);
    }

    [Theory]
    [InlineData("""{"data":{"type":"account","id":1,"attributes":{}}}""", "/data/type")]
    [InlineData("""{"data":{"id":1,"attributes":{}}}""", "/data/type")]
    [InlineData("""{"data":{"type":"prospect","attributes":{}}}""", "/data/id")]
    [InlineData("""{"data":{"type":"prospect","id":2,"attributes":{}}}""", "/data/id")]
    [InlineData("""{"data":{"type":"prospect","id":1,"attributes":[]}}""", "/data/attributes")]
    [InlineData("""{"prospect":{}}""", "/data")]
    [InlineData("""[1]""", "/data")]
    public async Task Patch_with_a_malformed_document_returns_422_with_a_pointer(string body, string pointer)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAsync(1, body);

        await AssertValidationErrorAsync(response, pointer);
    }

    [Fact]
    public async Task Patch_with_unparsable_json_returns_400()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAsync(1, """{"data":{"type":"prospect",""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("badRequest", (await response.ReadSingleErrorAsync()).Id);
    }

    [Fact]
    public async Task Patch_reports_every_problem_in_one_answer_and_changes_nothing()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PatchAsync(1, """{"data":{"type":"prospect","id":1,"attributes":{"custom1":"kept out","foo":1,"score":"x"}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = await response.ReadErrorsAsync();
        Assert.Equal(["/data/attributes/foo", "/data/attributes/score"], errors.Select(e => e.Source!.Pointer));
        Assert.False((await sandbox.GetProspectAttributesAsync(1))!.Value.TryGetProperty("custom1", out _));
    }

    [Fact]
    public async Task Concurrent_patches_of_one_prospect_all_land()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        var responses = await Task.WhenAll(Enumerable.Range(1, 30).Select(n => api.PatchAttributesAsync(5, $$"""{"custom{{n}}":"v{{n}}"}""")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = (await sandbox.GetProspectAttributesAsync(5))!.Value;
        Assert.All(Enumerable.Range(1, 30), n => Assert.Equal($"v{n}", stored.GetProperty($"custom{n}").GetString()));
        Assert.Equal(30, (await sandbox.GetCountersAsync()).ProspectsPatched);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static async Task<Api.ApiError> AssertValidationErrorAsync(HttpResponseMessage response, string pointer)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal("validationError", error.Id);
        Assert.Equal("Validation Error", error.Title);
        Assert.False(string.IsNullOrEmpty(error.Detail));
        Assert.Equal(pointer, error.Source?.Pointer);
        return error;
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Tests;

/// <summary>POST /prospects as Outreach answers it: email-hash uniqueness, purposeful duplicates, refused domains, dropped answers, the guard.</summary>
public sealed class ProspectCreationTests
{
    private const string EmailTaken = "Contacts email hash has already been taken.";

    [Fact]
    public async Task A_create_answers_201_with_the_new_prospect_which_can_then_be_read_and_found_by_email()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.CreateProspectAsync("""{"emails":["new.person@example.org"],"firstName":"New","custom3":"realized"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadDataAsync();
        Assert.Equal(21, created.GetProperty("id").GetInt64()); // after the 20 seeded prospects
        Assert.Equal("realized", created.GetProperty("attributes").GetProperty("custom3").GetString());
        Assert.EndsWith("/api/v2/prospects/21", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        using var read = await api.GetAsync("prospects/21");
        using var byEmail = await api.GetAsync("prospects?filter[emails]=NEW.person@example.org");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("\"id\":21", await byEmail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var creations = Assert.Single(await sandbox.GetProspectCreationsAsync());
        Assert.Equal(("new.person@example.org", 1), (creations.Email, creations.Created));
        Assert.Equal(1, (await sandbox.GetCountersAsync()).ProspectCreation.Created);
    }

    [Theory]
    [InlineData("prospect3@example.test")] // a seeded prospect's email
    [InlineData("PROSPECT3@Example.TEST")] // the same, in another case: Outreach compares an email hash
    public async Task A_create_with_an_email_another_prospect_holds_is_refused_with_422_and_creates_nothing(string email)
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.CreateProspectAsync($$"""{"emails":["{{email}}"]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal(("validationError", EmailTaken, "/data/attributes/emails"), (error.Id, error.Detail, error.Source?.Pointer));
        Assert.Null(await sandbox.GetProspectAttributesAsync(21));
        var counters = (await sandbox.GetCountersAsync()).ProspectCreation;
        Assert.Equal((0, 1), (counters.Created, counters.RefusedEmailTaken));
    }

    [Fact]
    public async Task A_second_create_of_the_same_new_email_is_refused_so_a_plain_retry_makes_no_duplicate()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var first = await api.CreateProspectAsync("""{"emails":["once@example.org"]}""");
        using var second = await api.CreateProspectAsync("""{"emails":["Once@example.org"]}""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal(1, Assert.Single(await sandbox.GetProspectCreationsAsync("once@example.org")).Created);
    }

    [Fact]
    public async Task With_purposeful_duplicates_a_second_prospect_is_created_and_counted_as_a_duplicate()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.ProspectCreation.PurposefulDuplicates = true);
        sandbox.ExpectsDuplicateProspects = true;
        using var api = await sandbox.ConnectedApiAsync();

        using var first = await api.CreateProspectAsync("""{"emails":["twice@example.org"]}""");
        using var second = await api.CreateProspectAsync("""{"emails":["twice@example.org"]}""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        var creations = Assert.Single(await sandbox.GetProspectCreationsAsync());
        Assert.Equal([21L, 22L], creations.ProspectIds);
        Assert.Equal(1, (await sandbox.GetCountersAsync()).ProspectCreation.DuplicatesCreated);
    }

    [Fact]
    public async Task Disposing_the_sandbox_fails_a_test_that_created_a_duplicate_it_did_not_expect()
    {
        var sandbox = await SandboxTestKit.StartAsync(options => options.ProspectCreation.PurposefulDuplicates = true);
        using (var api = await sandbox.ConnectedApiAsync())
        {
            (await api.CreateProspectAsync("""{"emails":["prospect4@example.test"]}""")).Dispose();
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () => await sandbox.DisposeAsync());

        Assert.Contains("1 prospect(s) with an email another prospect already held", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patch_that_would_give_a_prospect_another_ones_email_is_refused_with_the_duplicate_value_error()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var duplicate = await api.PatchAttributesAsync(5, """{"emails":["Prospect6@example.test"]}""");
        using var own = await api.PatchAttributesAsync(5, """{"emails":["prospect5@example.test","second5@example.org"]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.StatusCode);
        var error = await duplicate.ReadSingleErrorAsync();
        Assert.Equal(("validationDuplicateValueError", "A Contact with this email_hash already exists."), (error.Id, error.Detail));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Theory]
    [InlineData("someone@blocked.example")]
    [InlineData("someone@mail.BLOCKED.example")]
    public async Task A_create_with_an_email_in_a_refused_domain_is_refused_with_the_excluded_address_error(string email)
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.ProspectCreation.ExcludedEmailDomains.Add("blocked.example"));
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.CreateProspectAsync($$"""{"emails":["{{email}}"]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal(("validationError", "Contacts contact is using an excluded email address.", "/data"), (error.Id, error.Detail, error.Source?.Pointer));
        Assert.Equal(1, (await sandbox.GetCountersAsync()).ProspectCreation.RefusedExcludedDomain);
        Assert.Null(await sandbox.GetProspectAttributesAsync(21));
    }

    [Fact]
    public async Task A_dropped_answer_by_connection_reset_leaves_the_prospect_created_and_the_retry_is_refused()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.ProspectCreation.DroppedAnswerRate = 1);
        using var api = await sandbox.ConnectedApiAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => api.CreateProspectAsync("""{"emails":["lost@example.org"]}"""));
        using var retry = await api.CreateProspectAsync("""{"emails":["lost@example.org"]}""");

        Assert.Equal("lost@example.org", (await sandbox.GetProspectAttributesAsync(21))!.Value.GetProperty("emails")[0].GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode);
        var counters = (await sandbox.GetCountersAsync()).ProspectCreation;
        Assert.Equal((1, 1, 0), (counters.Created, counters.AnswersDropped, counters.DuplicatesCreated));
        Assert.Contains(await sandbox.GetRequestsAsync(), entry => entry.Fault == "droppedAnswer" && entry.Method == "POST");
    }

    [Fact]
    public async Task A_dropped_answer_by_timeout_hangs_until_the_client_gives_up_and_the_prospect_exists()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options =>
        {
            options.ProspectCreation.DroppedAnswerRate = 1;
            options.ProspectCreation.DroppedAnswer = DroppedAnswerKind.Timeout;
        });
        using var api = await sandbox.ConnectedApiAsync();
        api.Timeout = TimeSpan.FromMilliseconds(300);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.CreateProspectAsync("""{"emails":["slow@example.org"]}"""));

        Assert.NotNull(await sandbox.GetProspectAttributesAsync(21));
        Assert.Equal(1, (await sandbox.GetCountersAsync()).ProspectCreation.AnswersDropped);
    }

    [Fact]
    public async Task A_share_of_dropped_answers_is_drawn_from_the_seed()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options =>
        {
            options.ProspectCreation.DroppedAnswerRate = 0.5;
            options.ProspectCreation.DroppedAnswerSeed = 7;
        });
        using var api = await sandbox.ConnectedApiAsync();

        var lost = 0;
        for (var n = 0; n < 20; n++)
        {
            // Also proves the client stack does not resend a create whose answer was dropped on a reused connection.
            try
            {
                (await api.CreateProspectAsync($$"""{"emails":["p{{n}}@example.org"]}""")).Dispose();
            }
            catch (HttpRequestException)
            {
                lost++;
            }
        }

        var counters = (await sandbox.GetCountersAsync()).ProspectCreation;
        Assert.Equal(20, counters.Created);
        Assert.Equal(lost, counters.AnswersDropped);
        Assert.Equal(20, (await sandbox.GetRequestsAsync()).Count(entry => entry.Method == "POST" && entry.Path.StartsWith("/api/", StringComparison.Ordinal)));
        Assert.InRange(lost, 1, 19);
    }

    [Fact]
    public async Task A_create_body_is_validated_like_a_patch_and_an_invalid_one_creates_nothing()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();

        using var response = await api.PostJsonApiAsync(
            "prospects", """{"data":{"type":"account","id":5,"attributes":{"custom999":"x","name":"y"},"relationships":{"owner":{"data":{"type":"user","id":1}},"creator":{"data":null}}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var pointers = (await response.ReadErrorsAsync()).Select(error => error.Source?.Pointer).ToList();
        Assert.Equal(["/data/type", "/data/id", "/data/attributes/custom999", "/data/attributes/name", "/data/relationships/creator"], pointers);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).ProspectCreation.Created);
    }

    [Fact]
    public async Task A_create_needs_prospects_write()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync("prospects.read");

        using var response = await api.CreateProspectAsync("""{"emails":["scope@example.org"]}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("unauthorizedOauthScope", (await response.ReadSingleErrorAsync()).Id);
    }

    [Fact]
    public async Task A_create_is_charged_to_the_rate_limit_like_every_call()
    {
        await using var sandbox = await SandboxTestKit.StartAsync(options => options.RateLimit.Limit = 1);
        using var api = await sandbox.ConnectedApiAsync();

        using var first = await api.CreateProspectAsync("""{"emails":["a@example.org"]}""");
        using var second = await api.CreateProspectAsync("""{"emails":["b@example.org"]}""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.TooManyRequests), (first.StatusCode, second.StatusCode));
        Assert.Equal(1, (await sandbox.GetCountersAsync()).ProspectCreation.Created);
    }

    [Theory]
    [InlineData("rate")]
    [InlineData("hang")]
    [InlineData("domain")]
    public void Invalid_creation_options_fail_at_start(string problem)
    {
        var options = new SandboxOptions();
        switch (problem)
        {
            case "rate": options.ProspectCreation.DroppedAnswerRate = 1.5; break;
            case "hang": options.ProspectCreation.DroppedAnswerHang = TimeSpan.FromSeconds(-1); break;
            default: options.ProspectCreation.ExcludedEmailDomains.Add("someone@blocked.example"); break;
        }

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => SandboxApp.Create(options));
    }

    [Fact]
    public async Task Reset_removes_the_created_prospects_and_their_counts()
    {
        await using var sandbox = await SandboxTestKit.StartAsync();
        using var api = await sandbox.ConnectedApiAsync();
        (await api.CreateProspectAsync("""{"emails":["gone@example.org"]}""")).Dispose();

        await sandbox.ResetAsync();
        using var again = await api.CreateProspectAsync("""{"emails":["gone@example.org"]}""");

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(21, (await again.ReadDataAsync()).GetProperty("id").GetInt64());
        Assert.Equal(1, (await sandbox.GetCountersAsync()).ProspectCreation.Created);
    }
}

/// <summary>JSON:API requests and answers shared by the creation and sequence tests.</summary>
internal static class JsonApiRequests
{
    public static Task<HttpResponseMessage> PostJsonApiAsync(this HttpClient api, string url, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(SandboxTestKit.JsonApi);
        return api.PostAsync(url, content);
    }

    public static Task<HttpResponseMessage> CreateProspectAsync(this HttpClient api, string attributesJson) =>
        api.PostJsonApiAsync("prospects", "{\"data\":{\"type\":\"prospect\",\"attributes\":" + attributesJson + "}}");

    /// <summary>The <c>data</c> of a JSON:API answer (one resource or a list).</summary>
    public static async Task<JsonElement> ReadDataAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(document.RootElement.TryGetProperty("data", out var data), $"No data in {(int)response.StatusCode}: {document.RootElement}");
        return data.Clone();
    }
}

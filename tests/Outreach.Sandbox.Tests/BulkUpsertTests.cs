using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Imports;

namespace Outreach.Sandbox.Tests;

/// <summary>
/// <c>bulkUpsert</c> and the import resource: the four dupe methods (including the one that creates), both record
/// shapes and the mode that refuses the other, states over the sandbox clock, limits, faults, scopes, cost, and the
/// guard that fails a test when an import created a prospect it did not expect.
/// </summary>
public sealed class BulkUpsertTests
{
    private const string Scopes = "prospects.read prospects.write imports.read imports.write";

    // Imports progress with the sandbox clock: a fake one makes "later" exact and the tests free of waiting.
    private readonly FakeTimeProvider _clock = SandboxTestKit.NewClock();

    private Task<SandboxServer> StartAsync(Action<SandboxOptions>? configure = null) => SandboxTestKit.StartAsync(configure, _clock);

    /// <summary>Lets a minute pass: with the default delays (1 s pending, 1 s processing) every import has finished.</summary>
    private void Later() => _clock.Advance(TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Overwrite_no_create_updates_existing_prospects_and_fails_records_no_prospect_has()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(2, """{"custom5":"two","firstName":"Renamed"}"""), Resource(999, """{"custom5":"new"}""")));
        var accepted = await response.ReadImportAsync();
        Later();
        var import = await api.GetImportAsync(accepted.Id);

        Assert.Equal("pending", accepted.State);
        Assert.Equal(2, accepted.Attributes.GetProperty("total").GetInt32());
        Assert.Equal("completed", import.State);
        Assert.Equal(1, import.Attributes.GetProperty("failures").GetInt32());
        Assert.Equal(1, import.Attributes.GetProperty("dupes").GetInt32());
        Assert.Equal("overwriteNoCreate", import.Attributes.GetProperty("dupeMethod").GetString());
        Assert.Equal("prospect", import.Attributes.GetProperty("importType").GetString());
        var prospect = (await sandbox.GetProspectAttributesAsync(2))!.Value;
        Assert.Equal("two", prospect.GetProperty("custom5").GetString());
        Assert.Equal("Renamed", prospect.GetProperty("firstName").GetString());
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Imports.ProspectsCreated);
    }

    [Fact]
    public async Task Overwrite_with_an_id_no_prospect_has_creates_a_prospect_and_counts_it()
    {
        await using var sandbox = await StartAsync();
        sandbox.ExpectsProspectsCreatedByImports = true;
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostUpsertAsync(Body(
            "overwrite", Resource(3, """{"custom5":"three"}"""), Resource(999, """{"custom5":"created"}"""), """{"type":"prospect","attributes":{"custom5":"no id"}}"""));
        var accepted = await response.ReadImportAsync();
        Later();
        var import = await api.GetImportAsync(accepted.Id);
        var admin = await sandbox.ReadAdminImportsAsync();

        Assert.Equal("completed", import.State);
        Assert.Equal(0, import.Attributes.GetProperty("failures").GetInt32());
        Assert.Equal(1, import.Attributes.GetProperty("dupes").GetInt32());
        Assert.Equal("three", (await sandbox.GetProspectAttributesAsync(3))!.Value.GetProperty("custom5").GetString());
        var counters = (await sandbox.GetCountersAsync()).Imports;
        Assert.Equal(2, counters.ProspectsCreated);
        Assert.Equal(1, counters.RecordsApplied);
        Assert.Equal(["created", "no id"], admin.GetProperty("createdProspects").EnumerateArray().Select(p => p.GetProperty("attributes").GetProperty("custom5").GetString()));
        Assert.Equal(2, admin.GetProperty("imports")[0].GetProperty("meta").GetProperty("createdProspectIds").GetArrayLength());
    }

    [Theory]
    [InlineData("skip")]
    [InlineData("missing")]
    public async Task Skip_and_missing_also_create_a_prospect_for_an_id_no_prospect_has(string dupeMethod)
    {
        await using var sandbox = await StartAsync();
        sandbox.ExpectsProspectsCreatedByImports = true;
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        (await api.PostUpsertAsync(Body(dupeMethod, Resource(999, """{"custom5":"created"}""")))).Dispose();
        Later();

        Assert.Equal(1, (await sandbox.GetCountersAsync()).Imports.ProspectsCreated);
    }

    [Fact]
    public async Task Skip_leaves_an_existing_prospect_alone_and_counts_it_as_a_dupe()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        var before = (await sandbox.GetProspectAttributesAsync(2))!.Value.GetRawText();

        using var response = await api.PostUpsertAsync(Body("skip", Resource(2, """{"custom5":"skipped","firstName":"Renamed"}""")));
        var accepted = await response.ReadImportAsync();
        Later();
        var import = await api.GetImportAsync(accepted.Id);

        Assert.Equal(1, import.Attributes.GetProperty("dupes").GetInt32());
        Assert.Equal(before, (await sandbox.GetProspectAttributesAsync(2))!.Value.GetRawText());
    }

    [Fact]
    public async Task Missing_fills_only_the_attributes_that_are_empty()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        (await api.PatchAttributesAsync(2, """{"custom6":""}""")).Dispose();

        (await api.PostUpsertAsync(Body("missing", Resource(2, """{"firstName":"Renamed","custom5":"filled","custom6":"filled too"}""")))).Dispose();
        Later();

        var prospect = (await sandbox.GetProspectAttributesAsync(2))!.Value;
        Assert.Equal("Grace", prospect.GetProperty("firstName").GetString());
        Assert.Equal("filled", prospect.GetProperty("custom5").GetString());
        Assert.Equal("filled too", prospect.GetProperty("custom6").GetString());
    }

    [Theory]
    [InlineData(ImportRecordShape.Both, false)]
    [InlineData(ImportRecordShape.Both, true)]
    [InlineData(ImportRecordShape.Resource, false)]
    [InlineData(ImportRecordShape.Document, true)]
    public async Task A_record_in_an_accepted_shape_is_applied(ImportRecordShape accepted, bool asDocument)
    {
        await using var sandbox = await StartAsync(options => options.Imports.RecordShape = accepted);
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        var record = Resource(4, """{"custom5":"shaped"}""");

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", asDocument ? "{\"data\":" + record + "}" : record));
        await response.ReadImportAsync();
        Later();

        Assert.Equal("shaped", (await sandbox.GetProspectAttributesAsync(4))!.Value.GetProperty("custom5").GetString());
    }

    [Theory]
    [InlineData(ImportRecordShape.Resource, true, "document")]
    [InlineData(ImportRecordShape.Document, false, "bare resource object")]
    public async Task A_sandbox_that_takes_one_shape_refuses_the_other_with_422_naming_the_record(ImportRecordShape accepted, bool asDocument, string refusedShape)
    {
        await using var sandbox = await StartAsync(options => options.Imports.RecordShape = accepted);
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        var good = Resource(4, """{"custom5":"x"}""");
        var record = asDocument ? "{\"data\":" + good + "}" : good;

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", accepted == ImportRecordShape.Resource ? good : "{\"data\":" + good + "}", record));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await response.ReadSingleErrorAsync();
        Assert.Equal("validationError", error.Id);
        Assert.Equal("/data/attributes/records/1", error.Source!.Pointer);
        Assert.Contains("not a " + (refusedShape == "document" ? "{\"data\":…} document" : "bare resource object"), error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Imports.Calls);
        Assert.False((await sandbox.GetProspectAttributesAsync(4))!.Value.TryGetProperty("custom5", out _));
    }

    [Fact]
    public async Task An_import_moves_from_pending_to_processing_to_completed_with_the_clock_and_applies_at_the_end()
    {
        await using var sandbox = await StartAsync(options =>
        {
            options.Imports.ProcessingDelay = TimeSpan.FromSeconds(10);
            options.Imports.ProcessingDuration = TimeSpan.FromSeconds(5);
        });
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(5, """{"custom5":"later"}""")));
        var accepted = await response.ReadImportAsync();
        _clock.Advance(TimeSpan.FromSeconds(10));
        var processing = await api.GetImportAsync(accepted.Id);
        var whileProcessing = (await sandbox.GetProspectAttributesAsync(5))!.Value.TryGetProperty("custom5", out _);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var completed = await api.GetImportAsync(accepted.Id);

        Assert.Equal("pending", accepted.State);
        Assert.Equal("2026-01-01T00:10:00.000Z", accepted.Attributes.GetProperty("createdAt").GetString());
        Assert.Equal("processing", processing.State);
        Assert.Equal("2026-01-01T00:10:10.000Z", processing.Attributes.GetProperty("stateChangedAt").GetString());
        Assert.False(whileProcessing);
        Assert.Equal("completed", completed.State);
        Assert.Equal("2026-01-01T00:10:15.000Z", completed.Attributes.GetProperty("stateChangedAt").GetString());
        Assert.Equal("2026-01-01T00:10:15.000Z", completed.Attributes.GetProperty("updatedAt").GetString());
        Assert.Equal(JsonValueKind.Null, completed.Attributes.GetProperty("errorReason").ValueKind);
        Assert.Equal("later", (await sandbox.GetProspectAttributesAsync(5))!.Value.GetProperty("custom5").GetString());
    }

    [Fact]
    public async Task More_records_than_the_limit_are_refused_with_422_and_nothing_is_imported()
    {
        await using var sandbox = await StartAsync(options => options.Imports.MaxRecordsPerRequest = 2);
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var two = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(1, "{}"), Resource(2, "{}")));
        using var three = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(1, "{}"), Resource(2, "{}"), Resource(3, "{}")));

        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, three.StatusCode);
        var error = await three.ReadSingleErrorAsync();
        Assert.Equal("/data/attributes/records", error.Source!.Pointer);
        Assert.Contains("at most 2", error.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Imports.Calls);
    }

    [Fact]
    public async Task A_failure_rate_of_one_fails_every_record_and_applies_none()
    {
        await using var sandbox = await StartAsync(options => options.Imports.FailureRate = 1);
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(6, """{"custom5":"x"}"""), Resource(7, """{"custom5":"x"}""")));
        var accepted = await response.ReadImportAsync();
        Later();
        var import = await api.GetImportAsync(accepted.Id);

        Assert.Equal("completed", import.State);
        Assert.Equal(2, import.Attributes.GetProperty("failures").GetInt32());
        Assert.False((await sandbox.GetProspectAttributesAsync(6))!.Value.TryGetProperty("custom5", out _));
        Assert.False((await sandbox.GetProspectAttributesAsync(7))!.Value.TryGetProperty("custom5", out _));
    }

    [Fact]
    public async Task A_partial_failure_rate_applies_exactly_the_records_it_does_not_count_as_failures()
    {
        await using var sandbox = await StartAsync(options => options.Imports.FailureRate = 0.5);
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        var ids = Enumerable.Range(1, 20).ToList();

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", [.. ids.Select(id => Resource(id, """{"custom5":"maybe"}"""))]));
        var accepted = await response.ReadImportAsync();
        Later();
        var failures = (await api.GetImportAsync(accepted.Id)).Attributes.GetProperty("failures").GetInt32();
        var applied = 0;
        foreach (var id in ids)
        {
            applied += (await sandbox.GetProspectAttributesAsync(id))!.Value.TryGetProperty("custom5", out _) ? 1 : 0;
        }

        Assert.InRange(failures, 1, 19);
        Assert.Equal(20 - failures, applied);
        Assert.Equal(failures, (await sandbox.GetCountersAsync()).Imports.RecordsFailed);
    }

    [Fact]
    public async Task Apply_nothing_completes_without_failures_but_changes_nothing()
    {
        await using var sandbox = await StartAsync(options => options.Imports.ApplyNothing = true);
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        var before = (await sandbox.GetProspectAttributesAsync(8))!.Value.GetRawText();

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(8, """{"custom5":"lost"}""")));
        var accepted = await response.ReadImportAsync();
        Later();
        var import = await api.GetImportAsync(accepted.Id);

        Assert.Equal("completed", import.State);
        Assert.Equal(0, import.Attributes.GetProperty("failures").GetInt32());
        Assert.Equal(before, (await sandbox.GetProspectAttributesAsync(8))!.Value.GetRawText());
    }

    [Fact]
    public async Task Fail_every_import_ends_failed_with_an_error_reason_and_changes_nothing()
    {
        await using var sandbox = await StartAsync(options => options.Imports.FailEveryImport = true);
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(9, """{"custom5":"lost"}""")));
        var accepted = await response.ReadImportAsync();
        Later();
        var import = await api.GetImportAsync(accepted.Id);

        Assert.Equal("failed", import.State);
        Assert.Contains("failed", import.Attributes.GetProperty("errorReason").GetString(), StringComparison.Ordinal);
        Assert.False((await sandbox.GetProspectAttributesAsync(9))!.Value.TryGetProperty("custom5", out _));
    }

    [Fact]
    public async Task Importing_needs_the_write_scope_and_reading_an_import_the_read_scope()
    {
        // Two connections of one user and app: no minting limit between them.
        await using var sandbox = await StartAsync(options => options.OAuth.MintingInterval = TimeSpan.Zero);
        using var writer = await sandbox.ConnectedApiAsync("prospects.read prospects.write imports.write");
        using var reader = await sandbox.ConnectedApiAsync("prospects.read prospects.write imports.read");

        using var accepted = await writer.PostUpsertAsync(Body("overwriteNoCreate", Resource(2, "{}")));
        var id = (await accepted.ReadImportAsync()).Id;
        using var refusedRead = await writer.GetAsync($"imports/{id}");
        using var refusedWrite = await reader.PostUpsertAsync(Body("overwriteNoCreate", Resource(2, "{}")));
        using var read = await reader.GetAsync($"imports/{id}");

        Assert.Equal(HttpStatusCode.Forbidden, refusedRead.StatusCode);
        Assert.Contains("imports.read", (await refusedRead.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refusedWrite.StatusCode);
        Assert.Equal("unauthorizedOauthScope", (await refusedWrite.ReadSingleErrorAsync()).Id);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task The_scope_names_are_configurable()
    {
        await using var sandbox = await StartAsync(options =>
        {
            options.Imports.WriteScope = "bulkImports.write";
            options.OAuth.MintingInterval = TimeSpan.Zero;
        });
        using var standard = await sandbox.ConnectedApiAsync(Scopes);
        using var renamed = await sandbox.ConnectedApiAsync("prospects.write bulkImports.write");

        using var refused = await standard.PostUpsertAsync(Body("overwriteNoCreate", Resource(2, "{}")));
        using var accepted = await renamed.PostUpsertAsync(Body("overwriteNoCreate", Resource(2, "{}")));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("bulkImports.write", (await refused.ReadSingleErrorAsync()).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_are_4xx_with_pointers_and_import_nothing()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var badMethod = await api.PostUpsertAsync(Body("upsertEverything", Resource(2, "{}")));
        using var unknownField = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(2, """{"custom999":"x"}""")));
        using var documentField = await api.PostUpsertAsync(Body("overwriteNoCreate", "{\"data\":" + Resource(2, """{"name":"x"}""") + "}"));
        using var badId = await api.PostUpsertAsync(Body("overwriteNoCreate", """{"type":"prospect","id":"seven","attributes":{}}"""));
        using var noRecords = await api.PostUpsertAsync("""{"data":{"type":"import","attributes":{"dupeMethod":"overwriteNoCreate","records":[]}}}""");
        using var wrongType = await api.PostUpsertAsync("""{"data":{"type":"prospect","attributes":{"dupeMethod":"overwriteNoCreate","records":[{"type":"prospect","id":2}]}}}""");
        using var notJson = await api.PostUpsertAsync("{");
        using var plainJson = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(2, "{}")), "application/json");
        using var unknownImport = await api.GetAsync("imports/42");

        Assert.Equal("/data/attributes/dupeMethod", (await badMethod.ReadSingleErrorAsync()).Source!.Pointer);
        Assert.Equal("/data/attributes/records/0/attributes/custom999", (await unknownField.ReadSingleErrorAsync()).Source!.Pointer);
        Assert.Equal("/data/attributes/records/0/data/attributes/name", (await documentField.ReadSingleErrorAsync()).Source!.Pointer);
        Assert.Equal("/data/attributes/records/0/id", (await badId.ReadSingleErrorAsync()).Source!.Pointer);
        Assert.Equal("/data/attributes/records", (await noRecords.ReadSingleErrorAsync()).Source!.Pointer);
        Assert.Equal("/data/type", (await wrongType.ReadSingleErrorAsync()).Source!.Pointer);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plainJson.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownImport.StatusCode);
        Assert.Equal(0, (await sandbox.GetCountersAsync()).Imports.Calls);
    }

    [Theory]
    [InlineData(BulkRateLimitCost.PerCall, "9999")]
    [InlineData(BulkRateLimitCost.PerItem, "9997")]
    public async Task An_import_costs_one_request_or_one_per_record(BulkRateLimitCost cost, string remaining)
    {
        await using var sandbox = await StartAsync(options => options.Imports.RateLimitCost = cost);
        using var api = await sandbox.ConnectedApiAsync(Scopes);

        using var response = await api.PostUpsertAsync(Body("overwriteNoCreate", Resource(1, "{}"), Resource(2, "{}"), Resource(3, "{}")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(remaining, response.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Disposing_a_sandbox_in_which_an_import_created_an_unexpected_prospect_fails()
    {
        var sandbox = await StartAsync();
        try
        {
            using var api = await sandbox.ConnectedApiAsync(Scopes);
            (await api.PostUpsertAsync(Body("overwrite", Resource(999, """{"custom5":"oops"}""")))).Dispose();
            Later();
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => sandbox.DisposeAsync().AsTask());
        Assert.Contains("created 1 prospect", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_clears_imports_created_prospects_and_their_counters()
    {
        await using var sandbox = await StartAsync();
        using var api = await sandbox.ConnectedApiAsync(Scopes);
        (await api.PostUpsertAsync(Body("overwrite", Resource(999, """{"custom5":"oops"}""")))).Dispose();
        Later();
        Assert.Equal(1, (await sandbox.GetCountersAsync()).Imports.ProspectsCreated);

        await sandbox.ResetAsync();
        using var import = await api.GetAsync("imports/1");

        Assert.Equal(HttpStatusCode.NotFound, import.StatusCode);
        Assert.Equal(new ImportCounters(), (await sandbox.GetCountersAsync()).Imports);
    }

    private static string Resource(long id, string attributes) => "{\"type\":\"prospect\",\"id\":" + id + ",\"attributes\":" + attributes + "}";

    private static string Body(string dupeMethod, params string[] records) =>
        "{\"data\":{\"type\":\"import\",\"attributes\":{\"dupeMethod\":\"" + dupeMethod + "\",\"fileName\":\"test.json\",\"records\":[" + string.Join(',', records) + "]}}}";
}

/// <summary>Requests and answers of the import endpoints.</summary>
internal static class ImportRequests
{
    public static Task<HttpResponseMessage> PostUpsertAsync(this HttpClient api, string body, string contentType = SandboxTestKit.JsonApi)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return api.PostAsync("imports/actions/bulkUpsert", content);
    }

    public static async Task<ImportSeen> ReadImportAsync(this HttpResponseMessage response)
    {
        var resource = await response.ReadResourceAsync();
        Assert.Equal("import", resource.GetProperty("type").GetString());
        var attributes = resource.GetProperty("attributes");
        return new ImportSeen(resource.GetProperty("id").GetInt64(), attributes.GetProperty("state").GetString()!, attributes);
    }

    public static async Task<ImportSeen> GetImportAsync(this HttpClient api, long id)
    {
        using var response = await api.GetAsync($"imports/{id}");
        return await response.ReadImportAsync();
    }

    public static async Task<JsonElement> ReadAdminImportsAsync(this SandboxServer sandbox)
    {
        using var response = await sandbox.Admin.GetAsync("admin/imports");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}

/// <summary>An import as one answer showed it.</summary>
internal sealed record ImportSeen(long Id, string State, JsonElement Attributes);

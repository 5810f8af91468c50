using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Tokens;
using Outreach.Sandbox.Configuration;
using Outreach.Testing;
using OutreachFunctions.Probe;
using OutreachFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OutreachFunctions.Tests.Probe;

/// <summary>
/// <c>probe-outreach</c> as Program.cs starts it (the app's builder made from the same arguments, the local token
/// store, Azurite for the token lock), against sandboxes configured like different Outreach orgs.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProbeCommandTests(AzuriteFixture azurite, ITestOutputHelper log)
{
    private const long TestProspect = 7;
    private const string AllScopes = "prospects.read prospects.write batches.read batches.write";
    private const string ImportScopes = AllScopes + " imports.read imports.write";
    private const string SequenceScopes = " sequences.read mailboxes.read sequenceStates.read sequenceStates.write";

    [Fact]
    public async Task A_default_sandbox_gets_long_id_lists_one_email_per_lookup_and_the_attributes_body_and_the_prospect_is_restored()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120 }, AllScopes);

        Assert.Equal(0, run.Exit);
        Assert.Contains("Outreach__MaxIdsPerRead=1000", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__EmailFilterMultiValue=false", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Outreach__MaxEmailsPerLookup", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__BulkBodyShape=Attributes", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__BulkWrites=auto", run.Output, StringComparison.Ordinal);
        Assert.Contains("X-RateLimit-Reset", run.Output, StringComparison.Ordinal);
        Assert.Contains("epoch seconds", run.Output, StringComparison.Ordinal);
        Assert.Contains("Scopes granted (token response, connection 'default'): " + AllScopes, run.Output, StringComparison.Ordinal);
        Assert.Contains("value applied", run.Output, StringComparison.Ordinal);
        Assert.Contains("imports.write missing", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__PerRecordBulk=off", run.Output, StringComparison.Ordinal);
        run.AssertOnlyTheTestProspectWasWrittenAndItIsRestored();
    }

    [Fact]
    public async Task A_sandbox_that_takes_bare_records_gets_per_record_bulk_writes_with_that_shape_and_the_largest_group_that_applied()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120 }, ImportScopes, configure: options =>
        {
            options.Imports.RecordShape = Outreach.Sandbox.Imports.ImportRecordShape.Resource;
            options.Imports.MaxRecordsPerRequest = 20;
        });

        Assert.Equal(0, run.Exit);
        Assert.Contains("dupeMethod=overwriteNoCreate ONLY (it never creates a prospect)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Import record shape Resource", run.Output, StringComparison.Ordinal);
        Assert.Contains("states seen: pending", run.Output, StringComparison.Ordinal);
        Assert.Contains("completed; total 1, failures 0", run.Output, StringComparison.Ordinal);
        Assert.Contains("read-back: value applied; cost: X-RateLimit-Remaining dropped by 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("Import group of 25", run.Output, StringComparison.Ordinal);
        Assert.Contains("at most 20", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__ImportRecordShape=Resource", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__PerRecordBulk=auto", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__PerRecordBulkGroupSize=10", run.Output, StringComparison.Ordinal);
        // Two imports (one record, then ten): the group of 25 was refused with 422, which imports nothing.
        Assert.Equal(["overwriteNoCreate", "overwriteNoCreate"], run.ImportDupeMethods);
        run.AssertOnlyTheTestProspectWasWrittenAndItIsRestored();
    }

    [Fact]
    public async Task A_sandbox_that_refuses_bare_records_makes_the_probe_report_the_document_shape()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120 }, ImportScopes, configure: options =>
            options.Imports.RecordShape = Outreach.Sandbox.Imports.ImportRecordShape.Document);

        Assert.Equal(0, run.Exit);
        Assert.Contains("refused: HTTP 422 validationError /data/attributes/records/0", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__ImportRecordShape=Document", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__PerRecordBulk=auto", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__PerRecordBulkGroupSize=1000", run.Output, StringComparison.Ordinal);
        Assert.All(run.ImportDupeMethods, method => Assert.Equal("overwriteNoCreate", method));
        run.AssertOnlyTheTestProspectWasWrittenAndItIsRestored();
    }

    [Fact]
    public async Task A_sandbox_that_applies_nothing_makes_the_probe_report_imports_not_confirmed()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120 }, ImportScopes, configure: options => options.Imports.ApplyNothing = true);

        Assert.Equal(0, run.Exit);
        Assert.Contains("read-back: value NOT applied", run.Output, StringComparison.Ordinal);
        Assert.Contains("imports are not confirmed", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__PerRecordBulk=off", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Outreach__ImportRecordShape", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Delivery__PerRecordBulkGroupSize", run.Output, StringComparison.Ordinal);
        Assert.Equal(2, run.ImportDupeMethods.Count);
        run.AssertOnlyTheTestProspectWasWrittenAndItIsRestored();
    }

    [Fact]
    public async Task A_sandbox_with_short_lists_and_multi_value_emails_gets_those_settings()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120, MaxFilterListLength = 60, EmailFilterMultiValue = true }, AllScopes);

        Assert.Equal(0, run.Exit);
        Assert.Contains("Outreach__MaxIdsPerRead=50", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__EmailFilterMultiValue=true", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__MaxEmailsPerLookup=20", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__BulkBodyShape=Attributes", run.Output, StringComparison.Ordinal);
        run.AssertOnlyTheTestProspectWasWrittenAndItIsRestored();
    }

    [Fact]
    public async Task A_token_without_the_batch_scopes_gets_bulk_writes_off_and_the_prospect_is_restored()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120 }, "prospects.read prospects.write");

        Assert.Equal(0, run.Exit);
        Assert.Contains("batches.write missing", run.Output, StringComparison.Ordinal);
        Assert.Contains("Delivery__BulkWrites=off", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Outreach__BulkBodyShape", run.Output, StringComparison.Ordinal);
        run.AssertOnlyTheTestProspectWasWrittenAndItIsRestored();
    }

    [Fact]
    public async Task A_prospect_that_does_not_exist_stops_the_probe_with_exit_1_and_nothing_written()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120 }, AllScopes, prospectId: 5000);

        Assert.Equal(1, run.Exit);
        Assert.Contains("Nothing was written", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.BulkCalls);
        Assert.Equal(run.Before, run.After);
    }

    [Fact]
    public async Task The_sequence_check_finds_an_enabled_sequence_and_a_mailbox_that_may_send_ready_and_enrols_nobody()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 20 }, AllScopes + SequenceScopes, arguments: ["--sequence-id", "1", "--mailbox-id", "1"]);

        Assert.Equal(0, run.Exit);
        Assert.Contains("Sequence 1 ('Sandbox welcome (emails)'): enabled; email steps: yes", run.Output, StringComparison.Ordinal);
        Assert.Contains("Mailbox 1 (d***@outreach-sandbox.test): may send", run.Output, StringComparison.Ordinal);
        Assert.Contains("Scopes for enrolment (token response): all granted", run.Output, StringComparison.Ordinal);
        Assert.Contains("ready for enrolment", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"sequence\": { \"id\": 1, \"mailboxId\": 1", run.Output, StringComparison.Ordinal);
        run.AssertNothingWasEnrolledOrWritten();
    }

    [Fact]
    public async Task The_sequence_check_reports_a_disabled_sequence_a_mailbox_that_may_not_send_and_missing_scopes_with_exit_1()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 20 }, AllScopes + " sequences.read mailboxes.read", arguments: ["--sequence-id", "3", "--mailbox-id", "2"]);

        Assert.Equal(1, run.Exit);
        Assert.Contains("DISABLED", run.Output, StringComparison.Ordinal);
        Assert.Contains("may NOT send", run.Output, StringComparison.Ordinal);
        Assert.Contains("missing sequenceStates.read sequenceStates.write", run.Output, StringComparison.Ordinal);
        Assert.Contains("NOT ready for enrolment", run.Output, StringComparison.Ordinal);
        Assert.Contains("Outreach__Scopes=", run.Output, StringComparison.Ordinal);
        run.AssertNothingWasEnrolledOrWritten();
    }

    [Fact]
    public async Task The_sequence_check_reports_a_sequence_and_mailbox_that_do_not_exist()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 20 }, AllScopes + SequenceScopes, arguments: ["--sequence-id", "77", "--mailbox-id", "88"]);

        Assert.Equal(1, run.Exit);
        Assert.Contains("Sequence 77: it does not exist (404)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Mailbox 88: it does not exist (404)", run.Output, StringComparison.Ordinal);
        run.AssertNothingWasEnrolledOrWritten();
    }

    [Fact]
    public async Task With_a_test_prospect_too_the_sequence_check_runs_after_the_trials_and_still_enrols_nobody()
    {
        var run = await ProbeAsync(new ProspectOptions { SeedCount = 120 }, AllScopes + SequenceScopes, arguments: ["--prospect-id", "7", "--sequence-id", "1", "--mailbox-id", "1"]);

        Assert.Equal(0, run.Exit);
        Assert.Contains("Outreach__BulkBodyShape=Attributes", run.Output, StringComparison.Ordinal);
        Assert.Contains("ready for enrolment", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.Enrolments);
        Assert.DoesNotContain(run.Writes, write => write.Contains("sequenceStates", StringComparison.Ordinal) || write.Contains("prospectsAddToSequence", StringComparison.Ordinal));
        run.AssertOnlyTheTestProspectWasWrittenAndItIsRestored();
    }

    [Theory]
    [InlineData]
    [InlineData("--sequence-id", "1")]
    [InlineData("--mailbox-id", "1")]
    [InlineData("--sequence-id", "x", "--mailbox-id", "1")]
    [InlineData("--prospect-id", "0")]
    [InlineData("--prospect-id", "abc")]
    [InlineData("--prospect-id")]
    [InlineData("--prospect-id", "7", "--colour", "red")]
    [InlineData("--prospect-id", "7", "--field", "custom1&x")]
    public async Task Bad_arguments_print_the_usage_and_exit_2(params string[] rest)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var errors = new StringWriter(CultureInfo.InvariantCulture);

        var exit = await ProbeCommand.RunAsync([ProbeCommand.Name, .. rest], new ConfigurationBuilder().Build(), output, errors);

        Assert.Equal(2, exit);
        Assert.Contains("usage: OutreachFunctions probe-outreach", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Emails_are_masked()
    {
        Assert.Equal("a***@example.com", MaskedEmail.Mask("alice@example.com"));
        Assert.Equal("***", MaskedEmail.Mask("no-at-sign"));
    }

    private async Task<ProbeRun> ProbeAsync(
        ProspectOptions prospects, string scope, long prospectId = TestProspect, Action<SandboxOptions>? configure = null, string[]? arguments = null)
    {
        // Short import delays: the probe follows imports on the system clock.
        var options = new SandboxOptions { Prospects = prospects, Imports = { ProcessingDelay = TimeSpan.FromMilliseconds(100), ProcessingDuration = TimeSpan.FromMilliseconds(100) } };
        configure?.Invoke(options);
        var sandbox = await SandboxServer.StartAsync(options);
        await using var _ = sandbox;
        var folder = Directory.CreateTempSubdirectory("probe-tokens").FullName;
        try
        {
            var settings = SandboxConnectorSettings.Create(
                azurite.ConnectionString, sandbox, SandboxConnectorSettings.LoopbackBase(1), "probe-secret", folder, AzuriteFixture.UniqueName("probe"));
            var tokens = await sandbox.ConnectAsync(scope);
            var store = new LocalDevelopmentTokenStore(Options.Create(new TokenOptions { LocalStorePath = folder }), NullLogger<LocalDevelopmentTokenStore>.Instance);
            var now = DateTimeOffset.UtcNow;
            await store.SaveAsync(
                "default", new ConnectionTokens(ConnectionStatus.Connected, tokens.RefreshToken, now, tokens.AccessToken, now, now.AddHours(2), tokens.Scope), null, CancellationToken.None);
            var before = await SnapshotAsync(sandbox, prospects.SeedCount);

            string[] args = arguments is null ? [ProbeCommand.Name, "--prospect-id", prospectId.ToString(CultureInfo.InvariantCulture)] : [ProbeCommand.Name, .. arguments];
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(settings);
            using var output = new StringWriter(CultureInfo.InvariantCulture);
            using var errors = new StringWriter(CultureInfo.InvariantCulture);
            var exit = await ProbeCommand.RunAsync(args, builder.Configuration, output, errors);

            log.WriteLine(output.ToString());
            var after = await SnapshotAsync(sandbox, prospects.SeedCount);
            var counters = await sandbox.GetCountersAsync();
            var email = (await sandbox.GetProspectAttributesAsync(TestProspect))?.GetProperty("emails")[0].GetString();
            var posts = (await sandbox.GetRequestsAsync()).Where(entry => entry.Method != "GET").Select(entry => $"{entry.Method} {entry.Path}").ToList();
            return new ProbeRun(
                exit, output + errors.ToString(), before, after, counters.Bulk.Unfiltered, counters.Bulk.Calls, email, counters.Imports.ProspectsCreated, await ImportDupeMethodsAsync(sandbox))
            {
                Writes = posts,
                Enrolments = counters.Sequences.Enrolments + counters.Sequences.Refusals,
            };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<string>> ImportDupeMethodsAsync(SandboxServer sandbox)
    {
        using var response = await sandbox.Admin.GetAsync("admin/imports");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.GetProperty("imports").EnumerateArray().Select(i => i.GetProperty("attributes").GetProperty("dupeMethod").GetString()!)];
    }

    private static async Task<Dictionary<long, string>> SnapshotAsync(SandboxServer sandbox, int count)
    {
        var snapshot = new Dictionary<long, string>();
        for (long id = 1; id <= count; id++)
        {
            snapshot[id] = (await sandbox.GetProspectAttributesAsync(id))?.GetRawText() ?? "absent";
        }

        return snapshot;
    }

    private sealed record ProbeRun(
        int Exit,
        string Output,
        Dictionary<long, string> Before,
        Dictionary<long, string> After,
        long UnfilteredBulkCalls,
        long BulkCalls,
        string? TestProspectEmail,
        long ProspectsCreatedByImports,
        IReadOnlyList<string> ImportDupeMethods)
    {
        /// <summary>Every call other than a GET the sandbox saw (method and path), the OAuth sign-in included.</summary>
        public IReadOnlyList<string> Writes { get; init; } = [];

        /// <summary>Enrolments the sandbox applied or refused: any attempt counts.</summary>
        public long Enrolments { get; init; }

        public void AssertNothingWasEnrolledOrWritten()
        {
            Assert.Equal(0, Enrolments);
            Assert.DoesNotContain(Writes, write => write.Contains("/api/", StringComparison.Ordinal));
            Assert.Equal(Before, After);
        }

        public void AssertOnlyTheTestProspectWasWrittenAndItIsRestored()
        {
            Assert.Equal(0, UnfilteredBulkCalls);
            Assert.Equal(0, ProspectsCreatedByImports);
            Assert.All(ImportDupeMethods, method => Assert.Equal("overwriteNoCreate", method));
            Assert.Equal(Before.Count, After.Count);
            foreach (var (id, attributes) in Before)
            {
                // Outreach stamps updatedAt on a write, and an unset field reads as null: every other attribute must be as it was.
                Assert.True(id == TestProspect ? WithoutStamps(attributes) == WithoutStamps(After[id]) : attributes == After[id], $"prospect {id} changed: {Difference(attributes, After[id])}");
            }

            Assert.Contains("is back to its original value", Output, StringComparison.Ordinal);
            Assert.NotNull(TestProspectEmail);
            Assert.DoesNotContain(TestProspectEmail, Output, StringComparison.OrdinalIgnoreCase);
        }

        private static string Difference(string before, string after) =>
            string.Join("; ", Pairs(after).Except(Pairs(before)));

        private static IEnumerable<string> Pairs(string attributes)
        {
            using var document = JsonDocument.Parse(attributes);
            return [.. document.RootElement.EnumerateObject().Select(p => p.Name + "=" + p.Value.GetRawText())];
        }

        private static string WithoutStamps(string attributes)
        {
            using var document = JsonDocument.Parse(attributes);
            return string.Join(",", document.RootElement.EnumerateObject().Where(p => p.Name is not ("updatedAt" or "touchedAt") && p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name + "=" + p.Value.GetRawText()));
        }
    }
}

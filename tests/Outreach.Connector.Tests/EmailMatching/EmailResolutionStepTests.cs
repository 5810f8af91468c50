using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Delivery;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.EmailMatching;

[Collection(AzuriteCollection.Name)]
public sealed class EmailResolutionStepTests(AzuriteFixture azurite)
{
    private const string Ada = "ada@example.com";
    private const string AdaWork = "ada@work.example.com";
    private const string Bob = "bob@example.com";

    private sealed class Harness
    {
        public Harness(AzuriteFixture azurite, string duplicates = "skip", Action<DeliveryOptions>? configure = null)
        {
            Delivery = new DeliveryHarness(azurite, configure);
            var delivery = Options.Create(Delivery.Options);
            var service = new TableServiceClient(azurite.ConnectionString);
            Cache = new EmailProspectCache(service, delivery, Options.Create(new EmailResolutionOptions()), Delivery.Time);
            var mapping = Ingest.SampleFiles.Mapping();
            mapping.IdentityMatch = "email";
            mapping.IdentityNamespace = "Email";
            mapping.DuplicateEmails = duplicates;
            var resolver = new EmailResolver(
                Cache, EmailHasher.Unkeyed, Lookup, Delivery.Budget, CompiledMapping.Compile(mapping), delivery, Delivery.Time, NullLogger<EmailResolver>.Instance);
            Engine = Delivery.EngineWith(claims: null, new EmailResolutionStep(resolver, Delivery.Recorder, CompiledMapping.Compile(mapping), Delivery.Time, NullLogger<EmailResolutionStep>.Instance));
        }

        public DeliveryHarness Delivery { get; }

        public EmailProspectCache Cache { get; }

        public FakeEmailLookup Lookup { get; } = new();

        public DeliveryEngine Engine { get; }

        public Task<DeliveryBatchResult> DeliverAsync(params DeliveryMessage[] batch) => Engine.DeliverAsync(batch, CancellationToken.None);
    }

    private static DeliveryMessage ByEmail(string id, string email, string value, int minute = 1, int attempt = 1) =>
        Message(id, Update(0, minute, ("custom1", Change(value, minute))) with { Email = email }, attempt);

    [Fact]
    public async Task Email_update_is_sent_to_the_resolved_prospect_and_its_message_completes()
    {
        var harness = new Harness(azurite);
        harness.Delivery.AnswerApplied();
        harness.Lookup.Prospects[Ada] = [7];

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        var (prospect, attributes) = Assert.Single(harness.Delivery.Sent);
        Assert.Equal(7, prospect);
        Assert.Equal(Json("realized"), attributes["custom1"]);
        Assert.Equal("m1", Assert.IsType<MessageFate.Delivered>(Assert.Single(result.Fates)).MessageId);
    }

    [Fact]
    public async Task Two_emails_of_one_prospect_and_its_id_coalesce_into_one_patch_keyed_on_the_prospect()
    {
        var harness = new Harness(azurite);
        harness.Delivery.AnswerApplied();
        harness.Lookup.Prospects[Ada] = [7];
        harness.Lookup.Prospects[AdaWork] = [7];

        var result = await harness.DeliverAsync(
            ByEmail("m1", Ada, "realized", minute: 1),
            ByEmail("m2", AdaWork, "exited", minute: 3),
            Message("m3", Update(7, 2, ("firstName", Change("Ada", 2)))));

        var (prospect, attributes) = Assert.Single(harness.Delivery.Sent);
        Assert.Equal(7, prospect);
        Assert.Equal(Json("exited"), attributes["custom1"]);
        Assert.Equal(Json("Ada"), attributes["firstName"]);
        Assert.All(result.Fates, f => Assert.IsType<MessageFate.Delivered>(f));
        Assert.Equal(["m1", "m2", "m3"], result.Fates.Select(d => d.MessageId));

        var versions = await harness.Delivery.Versions.ReadAsync(7, CancellationToken.None);
        Assert.Contains("custom1", versions.Fields.Keys);
    }

    [Fact]
    public async Task Email_without_prospect_is_excluded_not_failed_and_counted()
    {
        var harness = new Harness(azurite);
        harness.Delivery.AnswerApplied();

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        Assert.Empty(harness.Delivery.Sent);
        Assert.IsType<MessageFate.Excluded>(Assert.Single(result.Fates));
        var counters = await harness.Delivery.CountersOfThisHourAsync();
        Assert.Equal(1, counters[DeliveryCounterNames.ExcludedFor(ExclusionReasons.NoProspectForEmail)]);
        Assert.Equal(1, counters[DeliveryCounterNames.Excluded]);
        Assert.Equal(0, counters[DeliveryCounterNames.Failed]);
        Assert.Equal(1, counters[EmailCounterNames.Lookups]);
    }

    [Fact]
    public async Task Shared_email_is_excluded_as_ambiguous_under_skip()
    {
        var harness = new Harness(azurite);
        harness.Delivery.AnswerApplied();
        harness.Lookup.Prospects[Ada] = [7, 8];

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        Assert.Empty(harness.Delivery.Sent);
        Assert.IsType<MessageFate.Excluded>(Assert.Single(result.Fates));
        Assert.Equal(1, (await harness.Delivery.CountersOfThisHourAsync())[DeliveryCounterNames.ExcludedFor(ExclusionReasons.AmbiguousEmail)]);
    }

    [Fact]
    public async Task Shared_email_updates_every_prospect_under_all_and_the_message_waits_for_the_last_one()
    {
        var harness = new Harness(azurite, duplicates: "all");
        harness.Delivery.Answer(id => id == 8 ? new OutreachCallOutcome.Transient(503, "down", null, RateLimitSnapshot.None) : Applied());
        harness.Lookup.Prospects[Ada] = [7, 8];

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        Assert.Equal([7L, 8L], harness.Delivery.Sent.Select(s => s.ProspectId).Order());
        var retry = Assert.IsType<MessageFate.RetryLater>(Assert.Single(result.Fates));
        Assert.Equal("m1", retry.MessageId);
    }

    [Fact]
    public async Task Spent_budget_defers_the_email_message_without_using_an_attempt()
    {
        var harness = new Harness(azurite, configure: o => o.RequestsPerWindow = 1);
        harness.Delivery.AnswerApplied();
        harness.Lookup.Prospects[Ada] = [7];
        harness.Lookup.Prospects[Bob] = [8];

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"), ByEmail("m2", Bob, "realized"));

        Assert.Empty(harness.Delivery.Sent);
        var deferred = result.Fates.OfType<MessageFate.Deferred>().ToList();
        Assert.Equal(2, deferred.Count);
        Assert.All(deferred, d => Assert.Equal(0, d.AttemptsUsed));
        Assert.NotNull(result.SendingResumesAt);
    }

    [Fact]
    public async Task Batch_without_emails_reaches_the_engine_untouched()
    {
        var harness = new Harness(azurite);
        harness.Delivery.AnswerApplied();

        var result = await harness.DeliverAsync(Message("m1", Update(5, 1, ("custom1", Change("realized", 1)))));

        Assert.Equal(5, Assert.Single(harness.Delivery.Sent).ProspectId);
        Assert.Empty(harness.Lookup.Requests);
        Assert.Null(Assert.Single(result.Fates).NotBefore);
    }

    [Fact]
    public async Task Prospect_answering_404_drops_the_cached_email_and_the_update_goes_to_the_prospect_found_again()
    {
        var harness = new Harness(azurite);
        harness.Delivery.Answer(id => id == 7
            ? new OutreachCallOutcome.Permanent(404, [new OutreachError("resourceNotFound", "Not found", "Could not find 'prospect' with ID '7'.", null)], RateLimitSnapshot.None)
            : Applied());
        await harness.Cache.StoreAsync(EmailHasher.Unkeyed.Hash(Ada), [7], CancellationToken.None);
        harness.Lookup.Prospects[Ada] = [9];

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        Assert.Equal([7L, 9L], harness.Delivery.Sent.Select(s => s.ProspectId));
        Assert.IsType<MessageFate.Delivered>(Assert.Single(result.Fates));
        Assert.Equal([9L], (await harness.Cache.ReadAsync(EmailHasher.Unkeyed.Hash(Ada), CancellationToken.None))!.ProspectIds);
        Assert.Equal(1, (await harness.Delivery.CountersOfThisHourAsync())[EmailCounterNames.Invalidated]);
    }

    [Fact]
    public async Task Ledger_entry_of_an_email_update_shows_the_masked_email_and_its_hash_never_the_address()
    {
        var harness = new Harness(azurite);
        harness.Delivery.Answer(_ => new OutreachCallOutcome.Permanent(422, [new OutreachError("validationError", "Validation Error", "Custom1 is invalid", "/data/attributes/custom1")], RateLimitSnapshot.None));
        harness.Lookup.Prospects[Ada] = [7];

        await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        var entry = Assert.Single(await harness.Delivery.LedgerAsync());
        Assert.Equal(7, entry.ProspectId);
        Assert.Equal("a***@example.com", entry.MaskedEmail);
        Assert.Equal(EmailHasher.Unkeyed.Hash(Ada), entry.EmailHash);
        Assert.DoesNotContain(Ada, entry.Explanation, StringComparison.Ordinal);
    }
}

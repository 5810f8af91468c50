using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Operations.CreateProspects;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.EmailMatching;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.CreateProspects;

/// <summary>
/// The create operation on Azurite with fake Outreach answers: what each answer to a create leads to, and that a create
/// whose answer was lost is never sent blind again.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CreateProspectsOperationTests(AzuriteFixture azurite)
{
    private const string Ada = "ada@example.com";
    private const string Bob = "bob@example.com";

    private sealed class FakeCreator : IOutreachProspectCreator
    {
        public List<Dictionary<string, string>> Sent { get; } = [];

        public Queue<OutreachCallOutcome> Answers { get; } = new();

        public Task<OutreachCallOutcome> CreateProspectAsync(IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, long? ownerId, CancellationToken cancellationToken)
        {
            Sent.Add(AsJson(attributes));
            return Task.FromResult(Answers.Count > 0 ? Answers.Dequeue() : new OutreachCallOutcome.Succeeded<long>(900 + Sent.Count, 201, RateLimitSnapshot.None));
        }
    }

    private sealed class Harness
    {
        public Harness(AzuriteFixture azurite)
        {
            Delivery = new DeliveryHarness(azurite);
            Delivery.AnswerApplied();
            var delivery = Options.Create(Delivery.Options);
            Cache = new EmailProspectCache(new TableServiceClient(azurite.ConnectionString), delivery, Options.Create(new EmailResolutionOptions()), Delivery.Time);
            var mapping = Ingest.SampleFiles.Mapping();
            mapping.IdentityMatch = "email";
            mapping.IdentityNamespace = "Email";
            mapping.CreateProspects = "true";
            mapping.NewProspectDefaults["source"] = "AEP";
            var compiled = CompiledMapping.Compile(mapping);
            var resolver = new EmailResolver(Cache, EmailHasher.Unkeyed, Lookup, Delivery.Budget, compiled, delivery, Delivery.Time, NullLogger<EmailResolver>.Instance);
            Claims = new NewProspectClaims(Delivery.Tables, Options.Create(new ProspectClaimOptions()), Delivery.Time);
            var create = new CreateProspectsOperation(
                Claims, Creator, new PermitTaker(Delivery.Budget, delivery, Delivery.Time), Delivery.Recorder, Delivery.Time,
                NullLogger<CreateProspectsOperation>.Instance, compiled, resolver);
            Engine = Delivery.EngineWith(claims: null, new EmailResolutionStep(resolver, Delivery.Recorder, compiled, Delivery.Time, NullLogger<EmailResolutionStep>.Instance), create);
        }

        public DeliveryHarness Delivery { get; }

        public EmailProspectCache Cache { get; }

        public FakeEmailLookup Lookup { get; } = new();

        public FakeCreator Creator { get; } = new();

        public NewProspectClaims Claims { get; }

        public DeliveryEngine Engine { get; }

        public Task<DeliveryBatchResult> DeliverAsync(params DeliveryMessage[] batch) => Engine.DeliverAsync(batch, CancellationToken.None);

        public async Task<long?> CachedAsync(string email) => (await Cache.ReadAsync(EmailHasher.Unkeyed.Hash(email), CancellationToken.None))?.ProspectIds.SingleOrDefault();
    }

    private static DeliveryMessage ByEmail(string id, string email, string value, int minute = 1, int attempt = 1) =>
        Message(id, Update(0, minute, ("custom1", Change(value, minute))) with { Email = email }, attempt);

    [Fact]
    public async Task A_new_email_is_created_once_with_its_fields_and_defaults_and_its_id_is_cached_and_versioned()
    {
        var harness = new Harness(azurite);

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"), ByEmail("m2", Ada, "realized"));

        var sent = Assert.Single(harness.Creator.Sent);
        Assert.Equal(("[\"ada@example.com\"]", Json("realized"), Json("AEP")), (sent["emails"], sent["custom1"], sent["source"]));
        Assert.All(result.Fates, f => Assert.IsType<MessageFate.Delivered>(f));
        Assert.Equal(901, await harness.CachedAsync(Ada));
        Assert.Empty(harness.Delivery.Sent);
        Assert.Equal(1, (await harness.Delivery.CountersOfThisHourAsync())[DeliveryCounterNames.Created]);

        // The next export of the same value: the cache names the prospect and its version says nothing is left to send.
        var again = await harness.DeliverAsync(ByEmail("m3", Ada, "realized"));
        Assert.IsType<MessageFate.UpToDate>(Assert.Single(again.Fates));
        Assert.Single(harness.Creator.Sent);
        Assert.Empty(harness.Delivery.Sent);
    }

    [Fact]
    public async Task A_prospect_written_by_another_drainer_before_its_create_was_recorded_keeps_that_writers_order()
    {
        var harness = new Harness(azurite);
        // Another drainer found prospect 901 by look-up (after an earlier lost answer) and wrote a newer status first.
        var newer = FieldVersion.Of(Change("existing", 5), At(5));
        await harness.Delivery.Versions.RecordAppliedAsync(901, new Dictionary<string, FieldVersion> { ["custom1"] = newer }, null, CancellationToken.None);

        var created = await harness.DeliverAsync(ByEmail("m1", Ada, "realized", minute: 1));

        // The create's older value is not recorded over the newer one: its update goes again by the ordinary path...
        Assert.Single(harness.Creator.Sent);
        Assert.IsType<MessageFate.Deferred>(Assert.Single(created.Fates));
        Assert.Equal(1, (await harness.Delivery.CountersOfThisHourAsync())[DeliveryCounterNames.CreatedWrittenMeanwhile]);
        Assert.Equal(901, await harness.CachedAsync(Ada));
        Assert.Equal(newer.ValueHash, (await harness.Delivery.Versions.ReadAsync(901, CancellationToken.None)).Fields["custom1"].ValueHash);

        // ...where it is older than what the other writer recorded, so it is dropped and nothing is created again.
        var retry = await harness.DeliverAsync(ByEmail("m1", Ada, "realized", minute: 1));
        Assert.IsNotType<MessageFate.Deferred>(Assert.Single(retry.Fates));
        Assert.Single(harness.Creator.Sent);
        Assert.Empty(harness.Delivery.Sent);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_looked_up_before_any_second_create()
    {
        var harness = new Harness(azurite);
        harness.Creator.Answers.Enqueue(new OutreachCallOutcome.Transient(null, "connection reset", null, RateLimitSnapshot.None));

        var first = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));
        Assert.IsType<MessageFate.RetryLater>(Assert.Single(first.Fates));

        // Outreach had applied it: the retry finds the prospect by email and updates it instead of creating again.
        harness.Lookup.Prospects[Ada] = [555];
        var retry = await harness.DeliverAsync(ByEmail("m1", Ada, "realized", attempt: 2));

        Assert.Single(harness.Creator.Sent);
        Assert.IsType<MessageFate.Delivered>(Assert.Single(retry.Fates));
        Assert.Equal(555, Assert.Single(harness.Delivery.Sent).ProspectId);
        Assert.Equal(555, await harness.CachedAsync(Ada));
        Assert.Equal(1, (await harness.Delivery.CountersOfThisHourAsync())[DeliveryCounterNames.CreatesUncertain]);
    }

    [Fact]
    public async Task Creates_whose_answers_were_lost_are_looked_up_together_when_a_look_up_takes_several_emails()
    {
        var harness = new Harness(azurite);
        harness.Lookup.MaxEmailsPerRequest = 20;
        harness.Creator.Answers.Enqueue(new OutreachCallOutcome.Transient(null, "connection reset", null, RateLimitSnapshot.None));
        harness.Creator.Answers.Enqueue(new OutreachCallOutcome.Transient(null, "connection reset", null, RateLimitSnapshot.None));
        await harness.DeliverAsync(ByEmail("m1", Ada, "realized"), ByEmail("m2", Bob, "realized"));

        // Outreach had applied both: the retries' one shared look-up finds them, and each update goes to its prospect.
        harness.Lookup.Prospects[Ada] = [555];
        harness.Lookup.Prospects[Bob] = [556];
        var lookups = harness.Lookup.Requests.Count;
        var retry = await harness.DeliverAsync(ByEmail("m1", Ada, "realized", attempt: 2), ByEmail("m2", Bob, "realized", attempt: 2));

        Assert.Equal([Ada, Bob], Assert.Single(harness.Lookup.Requests.Skip(lookups)).Order(StringComparer.Ordinal));
        Assert.Equal(2, harness.Creator.Sent.Count);
        Assert.Equal([555L, 556L], harness.Delivery.Sent.Select(s => s.ProspectId).Order());
        Assert.All(retry.Fates, f => Assert.IsType<MessageFate.Delivered>(f));
    }

    [Fact]
    public async Task A_lost_create_that_was_not_applied_is_created_after_the_look_up_finds_nothing()
    {
        var harness = new Harness(azurite);
        harness.Creator.Answers.Enqueue(new OutreachCallOutcome.Transient(503, "Outreach answered 503.", null, RateLimitSnapshot.None));
        await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));
        var lookupsBefore = harness.Lookup.Requests.Count;

        var retry = await harness.DeliverAsync(ByEmail("m1", Ada, "realized", attempt: 2));

        Assert.Equal(2, harness.Creator.Sent.Count);
        Assert.True(harness.Lookup.Requests.Count > lookupsBefore, "the retry must look the email up before creating");
        Assert.IsType<MessageFate.Delivered>(Assert.Single(retry.Fates));
    }

    [Fact]
    public async Task Email_already_taken_sends_the_update_to_the_prospect_that_holds_it_in_the_same_batch()
    {
        var harness = new Harness(azurite);
        harness.Creator.Answers.Enqueue(new OutreachCallOutcome.Permanent(
            422, [new OutreachError("validationError", "Validation Error", "Contacts email hash has already been taken.", "/data/attributes/emails")], RateLimitSnapshot.None));
        // Taken, and a look-up cannot see the holder yet: the update retries later (an attempt), never creates again.
        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));
        Assert.Single(harness.Creator.Sent);
        Assert.IsType<MessageFate.RetryLater>(Assert.Single(result.Fates));

        // Next export: resolution's look-up finds nothing, the create is answered "taken", and the look-up after it
        // finds the other writer's prospect, which gets the update in the same batch.
        harness.Creator.Answers.Enqueue(new OutreachCallOutcome.Permanent(
            422, [new OutreachError("validationError", "Validation Error", "Contacts email hash has already been taken.", "/data/attributes/emails")], RateLimitSnapshot.None));
        await harness.Cache.InvalidateAsync(EmailHasher.Unkeyed.Hash(Ada), CancellationToken.None);
        var lookups = 0;
        harness.Lookup.Failure = _ =>
        {
            if (++lookups == 2)
            {
                harness.Lookup.Prospects[Ada] = [321];
            }

            return null;
        };

        var second = await harness.DeliverAsync(ByEmail("m2", Ada, "exited", minute: 2));

        Assert.Equal(2, harness.Creator.Sent.Count);
        Assert.Equal(321, Assert.Single(harness.Delivery.Sent).ProspectId);
        Assert.IsType<MessageFate.Delivered>(Assert.Single(second.Fates));
        Assert.Equal(2, (await harness.Delivery.CountersOfThisHourAsync())[DeliveryCounterNames.CreateConflicts]);
    }

    [Fact]
    public async Task A_no_prospect_answer_asked_before_the_create_gets_the_created_prospect_without_a_look_up_and_one_asked_after_looks_first()
    {
        var harness = new Harness(azurite);
        var hash = EmailHasher.Unkeyed.Hash(Ada);
        var askedBeforeTheCreate = harness.Delivery.Time.GetUtcNow();
        harness.Delivery.Time.Advance(TimeSpan.FromSeconds(1));
        await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        // A stale "no prospect" (another drainer's look-up sent before the create was recorded) written over the cache.
        await harness.Cache.StoreAsync(hash, [], askedBeforeTheCreate, CancellationToken.None);
        var lookups = harness.Lookup.Requests.Count;
        var handed = await harness.DeliverAsync(ByEmail("m2", Ada, "exited", minute: 2));

        Assert.Equal(lookups, harness.Lookup.Requests.Count);
        Assert.Single(harness.Creator.Sent);
        Assert.Equal(901, Assert.Single(harness.Delivery.Sent).ProspectId);
        Assert.IsType<MessageFate.Delivered>(Assert.Single(handed.Fates));
        Assert.Equal(901, await harness.CachedAsync(Ada));
        Assert.Equal(1, (await harness.Delivery.CountersOfThisHourAsync())[DeliveryCounterNames.CreatesHandedOver]);

        // A "no prospect" asked after the create (the prospect deleted since): the claim is taken over, the email looked
        // up first, and only then, as no prospect holds it, created again.
        harness.Delivery.Time.Advance(TimeSpan.FromSeconds(1));
        await harness.Cache.StoreAsync(hash, [], CancellationToken.None);
        var recreated = await harness.DeliverAsync(ByEmail("m3", Ada, "realized", minute: 3));

        Assert.Equal(lookups + 1, harness.Lookup.Requests.Count);
        Assert.Equal(2, harness.Creator.Sent.Count);
        Assert.IsType<MessageFate.Delivered>(Assert.Single(recreated.Fates));
        Assert.Equal(902, await harness.CachedAsync(Ada));
    }

    [Fact]
    public async Task A_refused_domain_is_rejected_for_good_under_its_reason()
    {
        var harness = new Harness(azurite);
        harness.Creator.Answers.Enqueue(new OutreachCallOutcome.Permanent(
            422, [new OutreachError("validationError", "Validation Error", "Contacts contact is using an excluded email address.", "/data")], RateLimitSnapshot.None));

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        Assert.IsType<MessageFate.Rejected>(Assert.Single(result.Fates));
        var entry = Assert.Single(await harness.Delivery.LedgerAsync());
        Assert.Equal(CreateProspectsOperation.ExcludedEmailDomain, entry.Key.Partition);
        Assert.Equal("a***@example.com", entry.MaskedEmail);
    }

    [Fact]
    public async Task An_email_another_drainer_is_creating_waits_without_using_an_attempt()
    {
        var harness = new Harness(azurite);
        var other = await harness.Claims.ClaimAsync(EmailHasher.Unkeyed.Hash(Ada), CancellationToken.None);
        Assert.IsType<NewProspectClaim.Won>(other);

        var result = await harness.DeliverAsync(ByEmail("m1", Ada, "realized"));

        var deferred = Assert.IsType<MessageFate.Deferred>(Assert.Single(result.Fates));
        Assert.Equal(0, deferred.AttemptsUsed);
        Assert.Empty(harness.Creator.Sent);
    }
}

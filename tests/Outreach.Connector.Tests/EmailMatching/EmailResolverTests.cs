using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;

namespace Outreach.Connector.Tests.EmailMatching;

[Collection(AzuriteCollection.Name)]
public sealed class EmailResolverTests(AzuriteFixture azurite)
{
    private const string Ada = "ada@example.com";
    private const string Bob = "bob@example.com";
    private const string Cy = "cy@example.com";

    private sealed class Harness
    {
        public Harness(AzuriteFixture azurite, string duplicates = "skip", int emailsPerLookup = 1, int permits = 1_000)
        {
            Delivery = new DeliveryOptions
            {
                TablePrefix = AzuriteFixture.UniqueName("e"),
                RequestsPerWindow = permits,
                SafetyMargin = 0,
                PacingMode = PacingMode.Burst,
                BurstPermits = 1,
                MaxWaitForPermit = TimeSpan.Zero,
            };
            Options = new EmailResolutionOptions();
            Lookup.MaxEmailsPerRequest = emailsPerLookup;
            var delivery = Microsoft.Extensions.Options.Options.Create(Delivery);
            var options = Microsoft.Extensions.Options.Options.Create(Options);
            Service = new TableServiceClient(azurite.ConnectionString);
            Budget = new RequestBudget(new DeliveryTables(Service, delivery), delivery, Time, NullLogger<RequestBudget>.Instance);
            Cache = new EmailProspectCache(Service, delivery, options, Time);
            var mapping = Ingest.SampleFiles.Mapping();
            mapping.IdentityMatch = "email";
            mapping.IdentityNamespace = "Email";
            mapping.DuplicateEmails = duplicates;
            Resolver = new EmailResolver(
                Cache, EmailHasher.Unkeyed, Lookup, Budget, CompiledMapping.Compile(mapping), delivery, Time, NullLogger<EmailResolver>.Instance);
        }

        public DeliveryOptions Delivery { get; }

        public EmailResolutionOptions Options { get; }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 6, 0, 0, TimeSpan.Zero));

        public TableServiceClient Service { get; }

        public RequestBudget Budget { get; }

        public EmailProspectCache Cache { get; }

        public FakeEmailLookup Lookup { get; } = new();

        public EmailResolver Resolver { get; }

        public Task<EmailResolutionBatch> ResolveAsync(params string[] emails) => Resolver.ResolveAsync(emails, CancellationToken.None);
    }

    [Fact]
    public async Task An_email_another_drainer_cached_while_the_batch_looked_up_others_is_taken_from_the_cache_not_looked_up()
    {
        var harness = new Harness(azurite);
        harness.Lookup.Prospects[Ada] = [7];

        // While Ada is looked up, another drainer caches Bob's prospect.
        harness.Lookup.Failure = emails =>
        {
            if (emails.Contains(Ada))
            {
                harness.Cache.StoreAsync(EmailHasher.Unkeyed.Hash(Bob), [8], CancellationToken.None).GetAwaiter().GetResult();
            }

            return null;
        };

        var resolved = await harness.ResolveAsync(Ada, Bob);

        Assert.Equal([Ada], harness.Lookup.Requests.Select(r => Assert.Single(r)));
        Assert.Equal([8L], Assert.IsType<EmailResolution.Resolved>(resolved.Resolutions[Bob]).ProspectIds);
        Assert.Equal((1, 1), (resolved.Lookups, resolved.FromCache));
    }

    [Fact]
    public async Task A_no_prospect_answer_is_cached_with_the_time_its_look_up_was_asked()
    {
        var harness = new Harness(azurite);
        var askedAt = harness.Time.GetUtcNow();
        harness.Lookup.Failure = _ =>
        {
            harness.Time.Advance(TimeSpan.FromSeconds(3));
            return null;
        };

        await harness.ResolveAsync(Ada);

        var cached = await harness.Cache.ReadAsync(EmailHasher.Unkeyed.Hash(Ada), CancellationToken.None);
        Assert.Equal((0, askedAt), (cached!.ProspectIds.Count, cached.AskedAt));
    }

    [Fact]
    public async Task Unknown_email_is_looked_up_once_and_then_answered_from_the_cache()
    {
        var harness = new Harness(azurite);
        harness.Lookup.Prospects[Ada] = [7];

        var cold = await harness.ResolveAsync(Ada);
        var warm = await harness.ResolveAsync(Ada, Ada);

        Assert.Equal([7L], Assert.IsType<EmailResolution.Resolved>(cold.Resolutions[Ada]).ProspectIds);
        Assert.Equal(1, cold.Lookups);
        Assert.Equal(0, warm.Lookups);
        Assert.Equal(1, warm.FromCache);
        Assert.Equal([7L], Assert.IsType<EmailResolution.Resolved>(warm.Resolutions[Ada]).ProspectIds);
        Assert.Single(harness.Lookup.Requests);
    }

    [Fact]
    public async Task Each_lookup_takes_a_permit_from_the_shared_budget()
    {
        var harness = new Harness(azurite);
        await harness.ResolveAsync(Ada, Bob, Cy);

        var status = await harness.Budget.ReadStatusAsync(CancellationToken.None);
        Assert.Equal(3, status.Used);
    }

    [Fact]
    public async Task No_match_is_cached_for_the_shorter_negative_lifetime()
    {
        var harness = new Harness(azurite);

        Assert.IsType<EmailResolution.NoProspect>((await harness.ResolveAsync(Ada)).Resolutions[Ada]);
        harness.Time.Advance(harness.Options.NegativeCacheTtl - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await harness.ResolveAsync(Ada)).Lookups);

        harness.Lookup.Prospects[Ada] = [9];
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var later = await harness.ResolveAsync(Ada);

        Assert.Equal(1, later.Lookups);
        Assert.Equal([9L], Assert.IsType<EmailResolution.Resolved>(later.Resolutions[Ada]).ProspectIds);
    }

    [Fact]
    public async Task Found_prospect_expires_after_the_cache_lifetime()
    {
        var harness = new Harness(azurite);
        harness.Lookup.Prospects[Ada] = [7];
        await harness.ResolveAsync(Ada);

        harness.Time.Advance(harness.Options.CacheTtl + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await harness.ResolveAsync(Ada)).Lookups);
    }

    [Fact]
    public async Task Invalidated_email_is_looked_up_again()
    {
        var harness = new Harness(azurite);
        harness.Lookup.Prospects[Ada] = [7];
        await harness.ResolveAsync(Ada);

        await harness.Resolver.InvalidateAsync(Ada, CancellationToken.None);
        harness.Lookup.Prospects[Ada] = [8];
        var again = await harness.ResolveAsync(Ada);

        Assert.Equal(1, again.Lookups);
        Assert.Equal([8L], Assert.IsType<EmailResolution.Resolved>(again.Resolutions[Ada]).ProspectIds);
    }

    [Theory]
    [InlineData("skip")]
    [InlineData("all")]
    [InlineData("lowest_id")]
    public async Task Duplicate_prospects_follow_the_configured_rule(string rule)
    {
        var harness = new Harness(azurite, duplicates: rule);
        harness.Lookup.Prospects[Ada] = [12, 5, 9];

        var resolution = (await harness.ResolveAsync(Ada)).Resolutions[Ada];

        switch (rule)
        {
            case "skip":
                Assert.Equal([5L, 9L, 12L], Assert.IsType<EmailResolution.Ambiguous>(resolution).ProspectIds);
                break;
            case "all":
                Assert.Equal([5L, 9L, 12L], Assert.IsType<EmailResolution.Resolved>(resolution).ProspectIds);
                break;
            default:
                Assert.Equal([5L], Assert.IsType<EmailResolution.Resolved>(resolution).ProspectIds);
                break;
        }
    }

    [Fact]
    public async Task Several_emails_share_a_request_only_when_the_setting_allows_it()
    {
        var single = new Harness(azurite);
        await single.ResolveAsync(Ada, Bob, Cy);
        Assert.All(single.Lookup.Requests, request => Assert.Single(request));

        var multi = new Harness(azurite, emailsPerLookup: 2);
        var batch = await multi.ResolveAsync(Ada, Bob, Cy);
        Assert.Equal([2, 1], multi.Lookup.Requests.Select(r => r.Count));
        Assert.Equal(2, batch.Lookups);
    }

    [Fact]
    public async Task Lookup_refused_for_good_is_rejected_and_the_other_emails_are_still_looked_up()
    {
        var harness = new Harness(azurite);
        harness.Lookup.Prospects[Bob] = [8];
        harness.Lookup.Failure = emails => emails[0] == Ada ? new OutreachCallOutcome.Permanent(403, [new OutreachError("unauthorizedOauthScope", null, null, null)], RateLimitSnapshot.None) : null;

        var batch = await harness.ResolveAsync(Ada, Bob);

        Assert.Equal(403, Assert.IsType<EmailResolution.Rejected>(batch.Resolutions[Ada]).StatusCode);
        Assert.IsType<EmailResolution.Resolved>(batch.Resolutions[Bob]);
    }

    [Fact]
    public async Task Spent_budget_defers_the_unknown_emails_without_a_request()
    {
        var harness = new Harness(azurite, permits: 1);
        harness.Lookup.Prospects[Ada] = [7];
        harness.Lookup.Prospects[Bob] = [8];

        var batch = await harness.ResolveAsync(Ada, Bob);

        Assert.Single(harness.Lookup.Requests);
        var deferred = Assert.IsType<EmailResolution.NotYet>(batch.Resolutions[Bob]);
        Assert.Equal(ResolutionWait.Defer, deferred.Wait);
        Assert.IsType<EmailResolution.Resolved>(batch.Resolutions[Ada]);
    }

    [Fact]
    public async Task Rate_limited_lookup_blocks_the_budget_and_defers_the_rest()
    {
        var harness = new Harness(azurite);
        var retryAt = harness.Time.GetUtcNow().AddMinutes(5);
        harness.Lookup.Failure = _ => new OutreachCallOutcome.RateLimited(retryAt, null, RateLimitSnapshot.None);

        var batch = await harness.ResolveAsync(Ada, Bob);

        Assert.Single(harness.Lookup.Requests);
        Assert.All(batch.Resolutions.Values, r => Assert.Equal(ResolutionWait.Defer, Assert.IsType<EmailResolution.NotYet>(r).Wait));
        Assert.True(Assert.IsType<EmailResolution.NotYet>(batch.Resolutions[Bob]).Until >= retryAt);
        Assert.NotNull((await harness.Budget.ReadStatusAsync(CancellationToken.None)).BlockedUntil);
    }

    [Fact]
    public async Task Transient_failure_retries_and_refused_credentials_hold()
    {
        var harness = new Harness(azurite);
        harness.Lookup.Failure = _ => new OutreachCallOutcome.Transient(503, "Outreach answered 503.", null, RateLimitSnapshot.None);
        Assert.Equal(ResolutionWait.Retry, Assert.IsType<EmailResolution.NotYet>((await harness.ResolveAsync(Ada)).Resolutions[Ada]).Wait);

        harness.Lookup.Failure = _ => new OutreachCallOutcome.Unauthorized("revoked", RateLimitSnapshot.None);
        Assert.Equal(ResolutionWait.Pause, Assert.IsType<EmailResolution.NotYet>((await harness.ResolveAsync(Ada)).Resolutions[Ada]).Wait);
    }

    [Fact]
    public async Task Cache_keys_and_values_never_hold_the_email_in_clear()
    {
        var harness = new Harness(azurite);
        harness.Lookup.Prospects[Ada] = [7];
        await harness.ResolveAsync(Ada, Bob);

        var table = harness.Service.GetTableClient(harness.Delivery.TablePrefix + "EmailProspects");
        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            entities.Add(entity);
        }

        Assert.Equal(2, entities.Count);
        Assert.Contains(entities, e => e.PartitionKey == EmailHasher.Unkeyed.Hash(Ada));
        Assert.All(entities, e => Assert.DoesNotContain(e, pair => pair.Value is string text && text.Contains('@', StringComparison.Ordinal)));
        Assert.All(entities, e => Assert.DoesNotContain('@', e.PartitionKey + e.RowKey));
    }
}

using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Delivery;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;
using Names = Outreach.Connector.Delivery.Counters.DeliveryCounterNames;

namespace Outreach.Connector.Tests.Monitoring;

[Collection(AzuriteCollection.Name)]
public sealed class DryRunProspectClientTests(AzuriteFixture azurite)
{
    private const string HighIntent = "aaaaaaaa-1111-4000-8000-000000000001";
    private readonly DeliveryHarness _h = new(azurite);

    private static CompiledMapping Mapping()
    {
        var mapping = new DestinationMapping();
        MappingServiceCollectionExtensions.LoadFile(Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"), mapping);
        return CompiledMapping.Compile(mapping);
    }

    [Fact]
    public async Task Dry_run_answers_applied_without_a_request_and_records_fingerprints_not_values()
    {
        var client = new DryRunProspectClient(_h.Tables, Microsoft.Extensions.Options.Options.Create(_h.Options), _h.Time, Mapping());
        KeyValuePair<string, FieldValue>[] attributes =
        [
            new("custom1", FieldValue.FromString("realized")),
            new("firstName", FieldValue.FromString("Ada")),
            new("custom2", FieldValue.FromString("Ada")),
        ];

        var outcome = await client.PatchProspectAsync(42, attributes, CancellationToken.None);

        Assert.Equal(new OutreachCallOutcome.Succeeded(DryRunProspectClient.NotSentStatusCode, RateLimitSnapshot.None) { DryRun = true }, outcome);
        var record = Assert.Single(await ReadAsync(client));
        Assert.Equal(42, record.ProspectId);
        Assert.Equal(new DryRunValue(10, DryRunProspectClient.Fingerprint(FieldValue.FromString("realized")).Sha256, "realized"), record.Fields["custom1"]);
        Assert.Equal(DryRunProspectClient.Fingerprint(FieldValue.FromString("Ada")), record.Fields["firstName"]);

        // An audience field holding something other than a status text is personal data like any other value.
        Assert.Null(record.Fields["custom2"].Status);
    }

    [Fact]
    public async Task Engine_counts_a_dry_run_patch_as_dry_run_applied_and_not_as_a_request()
    {
        _h.Answer(_ => new OutreachCallOutcome.Succeeded(DryRunProspectClient.NotSentStatusCode, RateLimitSnapshot.None) { DryRun = true });

        await _h.DeliverAsync(Message("m1", Update(7, 0, ("custom1", Change("realized", 0, HighIntent)))));

        var counters = await _h.CountersOfThisHourAsync();
        Assert.Equal((1, 1, 0), (counters[Names.DryRunApplied], counters[Names.Applied], counters[Names.RequestsSent]));
        Assert.Equal(1, counters[Names.AudienceWritten(HighIntent, "realized")]);
    }

    private static async Task<List<DryRunRecord>> ReadAsync(DryRunProspectClient client)
    {
        var records = new List<DryRunRecord>();
        await foreach (var record in client.ReadRecentAsync(10, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }
}

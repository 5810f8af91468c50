using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tests.Outreach;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;
using Names = Outreach.Connector.Delivery.Operations.SetFields.BulkCounterNames;

namespace Outreach.Connector.Tests.Delivery.Bulk;

/// <summary>The set-fields operation through the real Outreach clients against the sandbox (loopback HTTP) and Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SetFieldsSandboxTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Reads_skips_held_values_writes_the_shared_change_in_bulk_and_leaves_failed_items_to_patch()
    {
        await using var clients = await SandboxClients.StartAsync(sandbox => sandbox.Bulk.ValidationFailureIds.Add(2));
        var seededFirstName = (await clients.Sandbox.GetProspectAttributesAsync(3))!.Value.GetProperty("firstName").GetString()!;
        var harness = new SetFieldsHarness(azurite, outreach: (clients.Reader(), clients.Bulk()));

        var result = await harness.RunAsync(
            Message("p1", Update(1, 1, ("custom1", Change("realized", 1)))),
            Message("p2", Update(2, 1, ("custom1", Change("realized", 1)))),
            Message("p3", Update(3, 1, ("custom1", Change("realized", 1)), ("firstName", Change(seededFirstName, 1)))),
            Message("p4", Update(4, 1, ("custom1", Change("realized", 1)), ("firstName", Change("Renamed", 1)))),
            Message("p5", Update(5, 1, ("custom1", Change("realized", 1)))));

        foreach (var id in new long[] { 1, 3, 5 })
        {
            Assert.Equal("realized", (await clients.Sandbox.GetProspectAttributesAsync(id))!.Value.GetProperty("custom1").GetString());
            Assert.Contains("custom1", await harness.RecordedAsync(id));
        }

        Assert.Empty(await harness.RecordedAsync(2));
        Assert.Equal(["firstName"], (await harness.RecordedAsync(3)).Keys.Where(k => k == "firstName"));
        Assert.Empty(await harness.RecordedAsync(4));
        Assert.Empty(result.Deferred);
        Assert.Equal((1, 4, 3, 1, 1), (result.Counts[Names.BulkCalls], result.Counts[Names.BulkProspects], result.Counts[Names.BulkApplied],
            result.Counts[Names.BulkItemsFailed], result.Counts[Names.SkippedUnchanged]));
        var counters = await clients.Sandbox.GetCountersAsync();
        Assert.Equal(0, counters.Bulk.Unfiltered);
        Assert.Equal(0, counters.Bulk.WithoutQueryFilter);
    }

    [Fact]
    public async Task A_token_without_the_batches_scopes_turns_bulk_writes_off_with_the_advice_to_reconnect()
    {
        await using var clients = await SandboxClients.StartAsync(scope: "prospects.read prospects.write");
        var harness = new SetFieldsHarness(azurite, outreach: (clients.Reader(), clients.Bulk()));

        await harness.RunAsync(
            Message("p1", Update(1, 1, ("custom1", Change("realized", 1)))),
            Message("p2", Update(2, 1, ("custom1", Change("realized", 1)))));

        Assert.Empty(await harness.RecordedAsync(1));
        var off = Assert.IsType<BulkWritesOff>(harness.Availability.Off);
        Assert.True(off.NeedsReconnect);
        Assert.Contains("re-connect to enable bulk writes", off.Describe(), StringComparison.Ordinal);
        Assert.Equal(0, (await clients.Sandbox.GetCountersAsync()).Bulk.Unfiltered);
    }
}

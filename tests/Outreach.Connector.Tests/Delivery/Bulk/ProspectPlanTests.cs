using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Bulk;

/// <summary>
/// A prospect left for its own PATCH (here: alone with its change, too few for a bulk action) is sent from its plan: the
/// fields Outreach already holds are not sent, and their versions are written with the PATCH's own, in one store write.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProspectPlanTests(AzuriteFixture azurite)
{
    private static string Hash(string value) => FieldVersion.HashOf(FieldValue.FromString(value));

    // Prospect 1 holds firstName "Ann" in Outreach; the export brings the same name and a new status.
    private (DeliveryHarness Harness, DeliveryMessage Message) HoldingAnn()
    {
        var outreach = new FakeBulkOutreach();
        outreach.Prospects[1] = new() { ["firstName"] = FieldValue.FromString("Ann") };
        var harness = new DeliveryHarness(azurite, bulkOutreach: outreach);
        return (harness, Message("m1", Update(1, 1, ("firstName", Change("Ann", 1)), ("custom1", Change("realized", 1)))));
    }

    private static async Task<Dictionary<string, string>> RecordedAsync(DeliveryHarness harness) =>
        (await harness.Versions.ReadAsync(1, CancellationToken.None)).Fields.ToDictionary(f => f.Key, f => f.Value.ValueHash);

    [Fact]
    public async Task A_field_Outreach_already_holds_is_left_out_of_the_patch_and_recorded_with_it()
    {
        var (harness, message) = HoldingAnn();
        harness.AnswerApplied();

        var result = await harness.DeliverAsync(message);

        var sent = Assert.Single(harness.Sent);
        Assert.Equal(new Dictionary<string, string> { ["custom1"] = Json("realized") }, sent.Attributes);
        Assert.Equal(new Dictionary<string, string> { ["firstName"] = Hash("Ann"), ["custom1"] = Hash("realized") }, await RecordedAsync(harness));
        Assert.Equal(new MessageFate.Delivered("m1", 1), Assert.Single(result.Fates));
    }

    [Fact]
    public async Task A_rejected_patch_still_records_the_field_Outreach_already_held()
    {
        var (harness, message) = HoldingAnn();
        harness.Answer(_ => new OutreachCallOutcome.Permanent(422, [new OutreachError("validationError", "Validation Error", "custom1 is too long", "/data/attributes/custom1")], default));

        await harness.DeliverAsync(message);

        Assert.Equal(new Dictionary<string, string> { ["firstName"] = Hash("Ann") }, await RecordedAsync(harness));
        var rejected = Assert.Single(await harness.LedgerAsync());
        Assert.DoesNotContain("firstName", rejected.Update.Fields.Keys);
    }

    [Fact]
    public async Task A_patch_that_fails_transiently_records_nothing_and_the_retry_decides_again()
    {
        var (harness, message) = HoldingAnn();
        harness.Answer(_ => new OutreachCallOutcome.Transient(503, "Service Unavailable", null, default));

        var result = await harness.DeliverAsync(message);

        Assert.Empty(await RecordedAsync(harness));
        Assert.IsType<MessageFate.RetryLater>(Assert.Single(result.Fates));
    }
}

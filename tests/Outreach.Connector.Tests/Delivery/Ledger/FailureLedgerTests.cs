using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Updates;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Ledger;

[Collection(AzuriteCollection.Name)]
public sealed class FailureLedgerTests(AzuriteFixture azurite)
{
    private static OutreachCallOutcome.Permanent Rejected422(string field) =>
        new(422, [new OutreachError("validationError", "Validation Error", $"{field} is invalid", $"/data/attributes/{field}")], default);

    [Fact]
    public async Task A_rejection_is_stored_with_its_update_and_read_back_for_replay()
    {
        var harness = new DeliveryHarness(azurite);
        var update = Update(42, 3, ("custom7", Change("realized", 2, "aud-123")), ("firstName", Change("Ann", 3))) with { TraceParent = "00-abc-def-01" };

        var recorded = await harness.Ledger.RecordRejectionAsync(update, Rejected422("custom7"), ["m1", "m2"], 2, CancellationToken.None);

        var entry = Assert.Single(await harness.LedgerAsync());
        Assert.Equal(recorded.Key, entry.Key);
        Assert.Equal(FailureKind.Rejected, entry.Kind);
        Assert.Equal(42, entry.ProspectId);
        Assert.Equal(422, entry.StatusCode);
        Assert.Equal("validationError", entry.ErrorId);
        Assert.Equal("/data/attributes/custom7", entry.SourcePointer);
        Assert.Equal(("custom7", "aud-123", 7), (entry.Field, entry.AudienceId, entry.MappingId));
        Assert.Equal("Outreach rejected custom7 (audience 'aud-123', mapping ID 7): custom7 is invalid", entry.Explanation);
        Assert.Equal(["m1", "m2"], entry.MessageIds);
        Assert.Equal((Start, Start, 1, 2), (entry.FirstFailedAt, entry.LastFailedAt, entry.Occurrences, entry.DeliveryAttempts));
        Assert.Equal(update, entry.Update);

        // What the replay command reads: the update to queue again and the key to delete afterwards.
        var replay = new List<FailureLedgerEntry>();
        await foreach (var item in harness.Ledger.QueryAsync(new FailureQuery(AudienceId: "aud-123"), CancellationToken.None))
        {
            replay.Add(item);
        }

        Assert.Equal(update, Assert.Single(replay).Update);
        Assert.Equal(update, ProspectUpdateFormat.Deserialize(ProspectUpdateFormat.Serialize(replay[0].Update)));
        Assert.True(await harness.Ledger.DeleteAsync(replay[0].Key, CancellationToken.None));
        Assert.Empty(await harness.LedgerAsync());
    }

    [Fact]
    public async Task The_same_failure_again_raises_the_occurrences_of_one_entry()
    {
        var harness = new DeliveryHarness(azurite);
        var update = Update(42, 3, ("custom7", Change("realized", 2, "aud-123")));
        await harness.Ledger.RecordRejectionAsync(update, Rejected422("custom7"), ["m1"], 1, CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMinutes(30));

        // A replay of the same values (new observation time) fails the same way.
        await harness.Ledger.RecordRejectionAsync(Update(42, 40, ("custom7", Change("realized", 39, "aud-123"))), Rejected422("custom7"), ["m9"], 1, CancellationToken.None);

        var entry = Assert.Single(await harness.LedgerAsync());
        Assert.Equal(2, entry.Occurrences);
        Assert.Equal(Start, entry.FirstFailedAt);
        Assert.Equal(At(30), entry.LastFailedAt);
        Assert.Equal(["m9"], entry.MessageIds);
    }

    [Fact]
    public async Task Entries_can_be_listed_by_error_audience_and_time()
    {
        var harness = new DeliveryHarness(azurite);
        await harness.Ledger.RecordRejectionAsync(Update(1, 0, ("custom7", Change("x", 0, "aud-7"))), Rejected422("custom7"), ["a"], 1, CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromHours(2));
        await harness.Ledger.RecordRejectionAsync(Update(2, 0, ("custom8", Change("x", 0, "aud-8"))), Rejected422("custom8"), ["b"], 1, CancellationToken.None);
        await harness.Ledger.RecordRejectionAsync(
            Update(3, 0, ("firstName", Change("x", 0))), new OutreachCallOutcome.Permanent(404, [new OutreachError("resourceNotFound", "Not Found", null, null)], default), ["c"], 1, CancellationToken.None);
        await harness.Ledger.RecordRejectionAsync(Update(4, 0, ("firstName", Change("x", 0))), new OutreachCallOutcome.Permanent(415, [], default), ["d"], 1, CancellationToken.None);
        await harness.Ledger.RecordPoisonAsync(Update(5, 0, ("firstName", Change("x", 0))), "e", 10, 503, "Service Unavailable", CancellationToken.None);

        async Task<long[]> Prospects(FailureQuery query) => (await harness.LedgerAsync(query)).Select(e => e.ProspectId).Order().ToArray();

        Assert.Equal(new long[] { 1L, 2L }, await Prospects(new FailureQuery(ErrorId: "validationError")));
        Assert.Equal(new long[] { 2L }, await Prospects(new FailureQuery(AudienceId: "aud-8")));
        Assert.Equal(new long[] { 1L }, await Prospects(new FailureQuery(To: At(60))));
        Assert.Equal(new long[] { 2L, 3L, 4L, 5L }, await Prospects(new FailureQuery(From: At(60))));
        Assert.Equal(new long[] { 4L }, await Prospects(new FailureQuery(ErrorId: "http415")));
        Assert.Equal(new long[] { 5L }, await Prospects(new FailureQuery(ErrorId: FailureLedger.PoisonErrorKey)));
        Assert.Equal(2, (await harness.LedgerAsync(new FailureQuery(MaxResults: 2))).Count);
    }

    [Fact]
    public async Task A_large_update_is_stored_across_properties_and_read_back_whole()
    {
        var harness = new DeliveryHarness(azurite);
        var fields = Enumerable.Range(1, 150).Select(n => ($"custom{n}", Change(new string('x', 500), 0, $"aud-{n}"))).ToArray();
        var update = Update(9, 0, fields);

        await harness.Ledger.RecordRejectionAsync(update, Rejected422("custom150"), ["m"], 1, CancellationToken.None);

        Assert.Equal(update, Assert.Single(await harness.LedgerAsync()).Update);
    }
}

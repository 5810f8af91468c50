using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Versions;

[Collection(AzuriteCollection.Name)]
public sealed class FieldVersionStoreTests(AzuriteFixture azurite)
{
    private static FieldVersion Version(string value, int observed, int? received = null) => FieldVersion.Of(Change(value, observed), At(received ?? observed));

    [Fact]
    public async Task A_prospect_never_written_has_no_versions()
    {
        var store = new DeliveryHarness(azurite).Versions;

        var read = await store.ReadAsync(1, CancellationToken.None);

        Assert.Empty(read.Fields);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task Recorded_versions_are_read_back()
    {
        var store = new DeliveryHarness(azurite).Versions;
        var versions = new Dictionary<string, FieldVersion> { ["custom7"] = Version("realized", 5), ["first name"] = Version("Ann", 6) };

        await store.RecordAppliedAsync(1, versions, null, CancellationToken.None);
        var read = await store.ReadAsync(1, CancellationToken.None);

        Assert.Equal(versions, read.Fields);
        Assert.NotNull(read.ETag);
    }

    [Fact]
    public async Task A_write_based_on_an_outdated_read_is_redecided_and_a_newer_concurrent_version_wins()
    {
        var store = new DeliveryHarness(azurite).Versions;
        await store.RecordAppliedAsync(1, new Dictionary<string, FieldVersion> { ["custom1"] = Version("a", 1) }, null, CancellationToken.None);
        var outdated = await store.ReadAsync(1, CancellationToken.None);
        await store.RecordAppliedAsync(1, new Dictionary<string, FieldVersion> { ["custom1"] = Version("c", 9) }, outdated, CancellationToken.None);

        var result = await store.RecordAppliedAsync(
            1, new Dictionary<string, FieldVersion> { ["custom1"] = Version("b", 5), ["custom2"] = Version("x", 5) }, outdated, CancellationToken.None);

        Assert.Equal(1, result.Conflicts);
        Assert.Equal(["custom1"], result.Superseded);
        Assert.Equal(["custom2"], result.Recorded);
        var read = await store.ReadAsync(1, CancellationToken.None);
        Assert.Equal(Version("c", 9), read.Fields["custom1"]);
        Assert.Equal(Version("x", 5), read.Fields["custom2"]);
    }

    [Fact]
    public async Task A_write_returns_what_the_store_now_holds_so_the_next_write_needs_no_read()
    {
        var store = new DeliveryHarness(azurite).Versions;
        var first = await store.RecordAppliedAsync(1, new Dictionary<string, FieldVersion> { ["custom1"] = Version("a", 1) }, null, CancellationToken.None);

        var second = await store.RecordAppliedAsync(
            1, new Dictionary<string, FieldVersion> { ["custom1"] = Version("b", 2), ["firstName"] = Version("Ann", 2) }, first.After, CancellationToken.None);

        Assert.Equal(0, second.Conflicts);
        var read = await store.ReadAsync(1, CancellationToken.None);
        Assert.Equal(read.Fields, second.After!.Fields);
        Assert.Equal(read.ETag, second.After.ETag);
    }

    [Fact]
    public async Task A_write_with_nothing_newer_returns_the_state_it_was_given()
    {
        var store = new DeliveryHarness(azurite).Versions;
        var first = await store.RecordAppliedAsync(1, new Dictionary<string, FieldVersion> { ["custom1"] = Version("b", 5) }, null, CancellationToken.None);

        var older = await store.RecordAppliedAsync(1, new Dictionary<string, FieldVersion> { ["custom1"] = Version("a", 1) }, first.After, CancellationToken.None);

        Assert.Empty(older.Recorded);
        Assert.Same(first.After, older.After);
    }

    [Fact]
    public async Task Concurrent_writers_leave_the_newest_version_of_every_field()
    {
        var harness = new DeliveryHarness(azurite);
        var random = new Random(11);
        var fields = new[] { "custom1", "custom2", "custom3", "firstName" };
        var writes = Enumerable.Range(0, 40)
            .Select(i => fields.Where(_ => random.Next(2) == 0).ToDictionary(f => f, f => Version($"v{i}", random.Next(1, 1000), 1000 + i)))
            .Where(w => w.Count > 0)
            .ToList();

        // Two store instances, as two drainers would have, racing on one prospect; every write starts from a fresh read.
        var stores = new[] { harness.Versions, new FieldVersionStore(harness.Tables) };
        await Parallel.ForEachAsync(
            writes.Select((write, i) => (write, store: stores[i % 2])),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (item, ct) => await item.store.RecordAppliedAsync(7, item.write, await item.store.ReadAsync(7, ct), ct));

        var expected = fields
            .Where(f => writes.Any(w => w.ContainsKey(f)))
            .ToDictionary(f => f, f => writes.Where(w => w.ContainsKey(f)).Select(w => w[f]).Aggregate((a, b) => b.CompareOrder(a) > 0 ? b : a));
        var read = await harness.Versions.ReadAsync(7, CancellationToken.None);
        Assert.Equal(expected, read.Fields);
    }
}

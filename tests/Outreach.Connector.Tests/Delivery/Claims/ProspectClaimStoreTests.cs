using Microsoft.Extensions.Logging.Abstractions;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery.Claims;

[Collection(AzuriteCollection.Name)]
public sealed class ProspectClaimStoreTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private (DeliveryHarness Harness, ProspectClaimStore Store) Create(int shards = 4)
    {
        var harness = new DeliveryHarness(azurite);
        return (harness, StoreOn(harness, shards));
    }

    // A second drainer: its own store object (as in another process) over the same tables and clock.
    private static ProspectClaimStore StoreOn(DeliveryHarness harness, int shards = 4) =>
        new(harness.Tables,
            Microsoft.Extensions.Options.Options.Create(new ProspectClaimOptions { LeaseDuration = Lease, ConflictDelay = TimeSpan.FromSeconds(3), Shards = shards }),
            harness.Time,
            NullLogger<ProspectClaimStore>.Instance);

    [Fact]
    public async Task Free_prospects_are_claimed_and_another_drainer_gets_none_of_them_while_they_are_held()
    {
        var (harness, first) = Create();
        var second = StoreOn(harness);

        await using var held = await first.ClaimAsync([1, 2, 3, 4, 5, 6, 7, 8, 9], CancellationToken.None);
        await using var other = await second.ClaimAsync([5, 9, 10], CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8, 9], held.Held.Order());
        Assert.Equal([10L], other.Held);
        Assert.False(other.Holds(5));
        Assert.Equal(harness.Time.GetUtcNow() + TimeSpan.FromSeconds(3), other.ConflictRetryAt);
    }

    [Fact]
    public async Task A_conflict_in_one_shard_still_claims_the_free_prospects_of_that_shard()
    {
        var (harness, first) = Create(shards: 1);
        var second = StoreOn(harness, shards: 1);
        await using var held = await first.ClaimAsync([2], CancellationToken.None);

        await using var other = await second.ClaimAsync([1, 2, 3], CancellationToken.None);

        Assert.Equal([1L, 3], other.Held.Order());
    }

    [Fact]
    public async Task Released_prospects_can_be_claimed_at_once_by_another_drainer()
    {
        var (harness, first) = Create();
        var held = await first.ClaimAsync([1, 2], CancellationToken.None);

        await held.DisposeAsync();
        await using var other = await StoreOn(harness).ClaimAsync([1, 2], CancellationToken.None);

        Assert.Empty(held.Held);
        Assert.Equal([1L, 2], other.Held.Order());
    }

    [Fact]
    public async Task An_expired_claim_is_taken_over_and_its_old_holder_can_neither_write_nor_release_it()
    {
        var (harness, first) = Create();
        var dead = await first.ClaimAsync([1], CancellationToken.None);
        harness.Time.Advance(Lease + TimeSpan.FromSeconds(1));

        await using var taker = await StoreOn(harness).ClaimAsync([1], CancellationToken.None);
        var oldHolderMayWrite = await dead.HoldsForWriteAsync(1, CancellationToken.None);
        await dead.DisposeAsync();
        await using var third = await StoreOn(harness).ClaimAsync([1], CancellationToken.None);

        Assert.Equal([1L], taker.Held);
        Assert.False(oldHolderMayWrite);
        Assert.Empty(third.Held);
    }

    [Fact]
    public async Task A_claim_is_renewed_after_half_its_lease_so_it_outlives_the_first_lease()
    {
        var (harness, first) = Create();
        await using var held = await first.ClaimAsync([1], CancellationToken.None);

        harness.Time.Advance(Lease * 0.75);
        var mayWrite = await held.HoldsForWriteAsync(1, CancellationToken.None);
        harness.Time.Advance(Lease * 0.5);
        await using var other = await StoreOn(harness).ClaimAsync([1], CancellationToken.None);

        Assert.True(mayWrite);
        Assert.Empty(other.Held);
        Assert.True(held.Holds(1));
    }

    [Fact]
    public async Task Without_renewal_the_claim_expires_at_the_end_of_its_lease()
    {
        var (harness, first) = Create();
        await using var held = await first.ClaimAsync([1], CancellationToken.None);

        harness.Time.Advance(Lease * 0.75);
        await using var early = await StoreOn(harness).ClaimAsync([1], CancellationToken.None);
        harness.Time.Advance(Lease * 0.5);
        await using var late = await StoreOn(harness).ClaimAsync([1], CancellationToken.None);

        Assert.Empty(early.Held);
        Assert.Equal([1L], late.Held);
    }

    [Fact]
    public async Task Concurrent_drainers_never_hold_the_same_prospect()
    {
        var (harness, _) = Create(shards: 2);
        var ids = Enumerable.Range(1, 40).Select(i => (long)i).ToArray();
        var stores = Enumerable.Range(0, 3).Select(_ => StoreOn(harness, shards: 2)).ToList();

        var sets = await Task.WhenAll(stores.Select((s, i) => s.ClaimAsync(ids.OrderBy(id => (id * (i + 7)) % 13), CancellationToken.None)));
        try
        {
            var all = sets.SelectMany(s => s.Held).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            Assert.Equal(ids, all.Order());
        }
        finally
        {
            foreach (var set in sets)
            {
                await set.DisposeAsync();
            }
        }
    }
}

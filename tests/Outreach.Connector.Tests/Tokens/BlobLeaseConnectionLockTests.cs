using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Tokens;

[Collection(AzuriteCollection.Name)]
public sealed class BlobLeaseConnectionLockTests(AzuriteFixture azurite)
{
    private readonly BlobContainerClient _container = new(azurite.ConnectionString, AzuriteFixture.UniqueName("locks"));
    private readonly LogCapture _logs = new();

    // The lease lives in Azurite's real time, so these use the real clock; no assertion depends on how long anything takes.
    private BlobLeaseConnectionLock CreateLock() => new(
        _container,
        Options.Create(new TokenOptions { Store = TokenStoreKind.Local, LockRetryDelay = TimeSpan.FromMilliseconds(20) }),
        TimeProvider.System,
        _logs.CreateLogger<BlobLeaseConnectionLock>());

    [Fact]
    public async Task Lease_is_exclusive_across_lock_instances_until_released()
    {
        var first = CreateLock();
        var second = CreateLock();

        var held = await first.TryAcquireAsync("default", TimeSpan.Zero, CancellationToken.None);
        var blocked = await second.TryAcquireAsync("default", TimeSpan.Zero, CancellationToken.None);
        await held!.DisposeAsync();
        var afterRelease = await second.TryAcquireAsync("default", TimeSpan.Zero, CancellationToken.None);

        Assert.NotNull(held);
        Assert.Null(blocked);
        Assert.NotNull(afterRelease);
        Assert.True(afterRelease.IsHeld);
        await afterRelease.DisposeAsync();
        Assert.False(afterRelease.IsHeld);
    }

    [Fact]
    public async Task Of_many_simultaneous_takers_exactly_one_gets_the_lease()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => CreateLock().TryAcquireAsync("default", TimeSpan.Zero, CancellationToken.None))));

        var held = Assert.Single(attempts, a => a is not null);
        await held!.DisposeAsync();
    }

    [Fact]
    public async Task Waiter_gets_the_lease_once_the_holder_releases_it()
    {
        var held = await CreateLock().TryAcquireAsync("default", TimeSpan.Zero, CancellationToken.None);
        var waiting = CreateLock().TryAcquireAsync("default", TimeSpan.FromSeconds(30), CancellationToken.None);

        await held!.DisposeAsync();
        await using var next = await waiting;

        Assert.NotNull(next);
    }

    [Fact]
    public async Task Connections_have_separate_leases()
    {
        var locks = CreateLock();
        await using var a = await locks.TryAcquireAsync("default", TimeSpan.Zero, CancellationToken.None);
        await using var b = await locks.TryAcquireAsync("other", TimeSpan.Zero, CancellationToken.None);

        Assert.NotNull(a);
        Assert.NotNull(b);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        await using var held = await CreateLock().TryAcquireAsync("default", TimeSpan.Zero, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = CreateLock().TryAcquireAsync("default", TimeSpan.FromMinutes(1), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}

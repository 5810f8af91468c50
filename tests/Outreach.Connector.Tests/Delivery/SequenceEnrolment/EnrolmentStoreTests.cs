using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Tests.Ingest;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Testing;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.SequenceEnrolment;

/// <summary>
/// Enrolment's own state on Azurite: of concurrent drainers handling the same entry, exactly one records it and exactly
/// one sends it; the guard grants at most the hour's places across drainers.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EnrolmentStoreTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _time = new(Start);

    private DeliveryTables Tables() => new(
        new TableServiceClient(azurite.ConnectionString),
        Options.Create(new DeliveryOptions { TablePrefix = AzuriteFixture.UniqueName("t") }));

    private static PendingEnrolment Entry(long prospectId) => new(prospectId, 12, 4, 1, Start, PendingReasons.New);

    [Fact]
    public async Task Concurrent_drainers_record_and_start_each_entry_once()
    {
        var store = new EnrolmentStore(Tables(), _time);

        var entered = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.TryEnterAsync(null, Entry(7), At(1), CancellationToken.None)));
        Assert.Single(entered, won => won);
        var pending = Assert.Single(await store.PendingAsync(100, CancellationToken.None));

        var started = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.TryStartAsync(pending, CancellationToken.None)));
        Assert.Single(started, won => won);
        Assert.True(await store.SettleAsync(pending, EnrolmentStates.Enrolled, null, CancellationToken.None));
        Assert.False(await store.SettleAsync(pending, EnrolmentStates.Enrolled, null, CancellationToken.None));

        // A repeat of the entry finds the row: the planner skips it.
        var record = await store.ReadAsync(7, 12, CancellationToken.None);
        Assert.Equal(EnrolmentStates.Enrolled, record!.State);
    }

    [Fact]
    public async Task An_exit_takes_a_waiting_entry_off_and_a_re_entry_queues_it_again()
    {
        var store = new EnrolmentStore(Tables(), _time);
        Assert.True(await store.TryEnterAsync(null, Entry(8), At(1), CancellationToken.None));

        var record = await store.ReadAsync(8, 12, CancellationToken.None);
        Assert.True(await store.TryExitAsync(8, 12, record, At(2), CancellationToken.None));
        Assert.Empty(await store.PendingAsync(100, CancellationToken.None));

        var exited = await store.ReadAsync(8, 12, CancellationToken.None);
        Assert.Equal(EnrolmentStates.Exited, exited!.State);
        Assert.True(await store.TryEnterAsync(exited, Entry(8), At(3), CancellationToken.None));
        Assert.Single(await store.PendingAsync(100, CancellationToken.None));
    }

    [Fact]
    public async Task The_guard_grants_at_most_the_hours_places_across_drainers_and_a_new_hour_starts_afresh()
    {
        var guard = new EnrolmentGuard(Tables(), Options.Create(new SequenceOptions { MaxEnrolmentsPerHour = 5 }), _time);

        var granted = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => guard.ReserveAsync(1, 2, CancellationToken.None)));
        Assert.Equal(5, granted.Sum());
        Assert.Equal(0, await guard.ReserveAsync(1, 1, CancellationToken.None));
        Assert.Equal(1, await guard.ReserveAsync(2, 1, CancellationToken.None));

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, await guard.ReserveAsync(1, 3, CancellationToken.None));
    }

    [Theory]
    [InlineData(0, "Sequences__MaxEnrolmentsPerHour must be between 1 and 1000000")]
    [InlineData(-3, "Sequences__MaxEnrolmentsPerHour must be between 1 and 1000000")]
    public void A_bad_setting_is_one_line_naming_it(int maxPerHour, string expected)
    {
        var result = new SequenceOptionsValidator().Validate(null, new SequenceOptions { MaxEnrolmentsPerHour = maxPerHour });
        Assert.StartsWith(expected, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}

using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Queueing.Receiving;

// A queue settles whole messages: what one message that carried several updates becomes.
public sealed class SharedMessageSettlementTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static ProspectUpdate Prospect(long id) => Update(id, 1, ("custom1", Change("realized", 1)));

    private static MessageFate Done(int attempts = 1) => new MessageFate.Delivered("m", attempts);

    private static MessageFate Retry(int attempts, TimeSpan delay) => new MessageFate.RetryLater("m", attempts, Now + delay, delay, "503");

    private static IReadOnlyList<QueuedUpdate> Carried(Settlement settlement) =>
        UpdateBatchFormat.Deserialize(System.Text.Encoding.UTF8.GetBytes(Assert.IsType<Settlement.Successor>(settlement).Body));

    [Fact]
    public void Every_update_done_completes_the_message()
    {
        var settlement = SharedMessageSettlement.For(
            [(Prospect(1), Done()), (Prospect(2), new MessageFate.Poisoned("m", 5, new FailureLedgerKey("x", "2")))], true, true, Now);

        Assert.IsType<Settlement.Complete>(settlement);
    }

    [Fact]
    public void Every_update_retried_retries_the_message_in_place_after_the_longest_delay()
    {
        var settlement = SharedMessageSettlement.For(
            [(Prospect(1), Retry(2, TimeSpan.FromSeconds(30))), (Prospect(2), Retry(3, TimeSpan.FromMinutes(2)))], canRetryInPlace: true, true, Now);

        Assert.Equal(new Settlement.RetryInPlace(TimeSpan.FromMinutes(2)), settlement);
    }

    [Fact]
    public void Some_updates_done_leaves_a_copy_with_only_the_others_each_with_its_attempts()
    {
        var settlement = SharedMessageSettlement.For(
            [(Prospect(1), Done()), (Prospect(2), Retry(2, TimeSpan.FromSeconds(30))), (Prospect(3), new MessageFate.Deferred("m", 1, Now.AddMinutes(5)))],
            canRetryInPlace: true, true, Now);

        var copy = Assert.IsType<Settlement.Successor>(settlement);
        Assert.Equal([new QueuedUpdate(Prospect(2), 2), new QueuedUpdate(Prospect(3), 1)], Carried(settlement));
        // Visible when the last of them may go: the deferred one's reset, after the retried one's backoff.
        Assert.Equal((Now.AddMinutes(5), "deferred", 2), (copy.VisibleAt, copy.Reason, copy.AttemptsUsed));
    }

    [Fact]
    public void A_transport_that_cannot_retry_in_place_gets_a_copy_even_when_all_are_retried()
    {
        var settlement = SharedMessageSettlement.For(
            [(Prospect(1), Retry(2, TimeSpan.FromSeconds(30))), (Prospect(2), Retry(2, TimeSpan.FromSeconds(10)))], canRetryInPlace: false, false, Now);

        Assert.Equal([new QueuedUpdate(Prospect(1), 2), new QueuedUpdate(Prospect(2), 2)], Carried(settlement));
        Assert.Equal(Now.AddSeconds(30), Assert.IsType<Settlement.Successor>(settlement).VisibleAt);
    }
}

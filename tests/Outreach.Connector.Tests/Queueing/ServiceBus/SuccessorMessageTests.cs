using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Queueing.ServiceBus;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Queueing.ServiceBus;

// The scheduled copy a Service Bus trigger sends for a message the engine keeps (moved here from the Deliver function's tests).
public sealed class SuccessorMessageTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 20, 30, TimeSpan.Zero);
    private static readonly ProspectUpdate Update = ProspectUpdateFormat.Deserialize("{\"v\":1,\"p\":9,\"r\":1740910800000,\"f\":{}}");

    // What the Service Bus settler gets for a disposition: no retry in place, held copies at the probe time.
    private static Settlement.Successor SuccessorFor(MessageFate disposition) =>
        Assert.IsType<Settlement.Successor>(ReceivedBatchProcessor.SettlementFor(Update, disposition, canRetryInPlace: false, stopsReceivingWhilePaused: false, Now));

    [Fact]
    public void Copy_ids_are_stable_bounded_and_distinct_per_original()
    {
        var id = SuccessorMessage.IdFor("m-1");
        Assert.Equal(id, SuccessorMessage.IdFor("m-1"));
        Assert.NotEqual(id, SuccessorMessage.IdFor("m-2"));
        Assert.Matches("^next-[0-9a-f]{32}$", id);
        var chain = "m-1";
        for (var i = 0; i < 500; i++)
        {
            chain = SuccessorMessage.IdFor(chain);
        }

        Assert.Equal(37, chain.Length);
    }

    [Fact]
    public void Schedule_rounds_up_to_the_next_whole_second()
    {
        var reset = new DateTimeOffset(2026, 3, 2, 10, 0, 3, TimeSpan.Zero);
        Assert.Equal(reset, SuccessorMessage.RoundUpToSecond(reset));
        Assert.Equal(reset.AddSeconds(1), SuccessorMessage.RoundUpToSecond(reset.AddMilliseconds(1)));
        Assert.Equal(reset.AddSeconds(1), SuccessorMessage.ScheduleFor(reset.AddMilliseconds(1), reset));
        Assert.Null(SuccessorMessage.ScheduleFor(reset, reset));
    }

    [Fact]
    public void Copy_due_now_is_sent_for_immediate_delivery()
    {
        var copy = SuccessorMessage.For("m-9", SuccessorFor(new MessageFate.Deferred("m-9", 2, Now)), "corr", null, Now);

        Assert.Null(copy.ScheduledEnqueueTime);
        Assert.Null(copy.TimeToLive);
        Assert.Equal(2, ProspectUpdateFormat.DeserializeQueued(copy.Body).AttemptsUsed);
        Assert.Equal("deferred", copy.Subject);
        Assert.Equal("corr", copy.CorrelationId);
        Assert.Equal(SuccessorMessage.IdFor("m-9"), copy.MessageId);
        Assert.Equal("m-9", copy.ApplicationProperties![SuccessorMessage.PreviousMessageIdProperty]);
        Assert.Equal(2, copy.ApplicationProperties![SuccessorMessage.AttemptsUsedProperty]);

        // A completed message has no copy to send.
        Assert.IsType<Settlement.Complete>(
            ReceivedBatchProcessor.SettlementFor(Update, new MessageFate.Delivered("m-9", 1), canRetryInPlace: false, stopsReceivingWhilePaused: false, Now));
    }

    [Fact]
    public void Copy_of_an_update_past_its_expiry_gets_the_minimum_time_to_live()
    {
        var copy = SuccessorMessage.For("m-9", SuccessorFor(new MessageFate.Paused("m-9", 0, Now.AddMinutes(15))), null, Now.AddMinutes(5), Now);

        Assert.Equal(SuccessorMessage.MinimumTimeToLive, copy.TimeToLive);
        Assert.Equal("paused", copy.Subject);
        Assert.Equal(Now.AddMinutes(15), copy.ScheduledEnqueueTime);
    }
}

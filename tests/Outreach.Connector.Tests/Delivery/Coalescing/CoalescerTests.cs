using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;

using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Coalescing;

public sealed class CoalescerTests
{
    [Fact]
    public void Updates_of_one_prospect_become_one_group_with_the_newest_value_per_field()
    {
        var older = Message("m1", Update(1, 10, ("custom1", Change("realized", 5)), ("firstName", Change("Ann", 10))));
        var newer = Message("m2", Update(1, 20, ("custom1", Change("exited", 15))));
        var other = Message("m3", Update(2, 20, ("custom1", Change("realized", 15))));

        var groups = Coalescer.Coalesce([older, other, newer], FieldVersion.DefaultMaxEventTimeSkew);

        Assert.Equal([1L, 2L], groups.Select(g => g.ProspectId));
        var first = groups[0];
        Assert.Equal(Json("exited"), first.Fields["custom1"].Change.Value.Json);
        Assert.Equal(Json("Ann"), first.Fields["firstName"].Change.Value.Json);
        Assert.Equal(["m1", "m2"], first.Messages.Select(m => m.MessageId));
    }

    [Fact]
    public void A_value_observed_earlier_loses_even_when_its_message_comes_later()
    {
        var newerObservation = Message("m1", Update(1, 20, ("custom1", Change("exited", 15))));
        var olderObservation = Message("m2", Update(1, 30, ("custom1", Change("realized", 5))));

        var group = Coalescer.Coalesce([newerObservation, olderObservation], FieldVersion.DefaultMaxEventTimeSkew).Single();

        Assert.Equal(Json("exited"), group.Fields["custom1"].Change.Value.Json);
    }

    [Fact]
    public void Equal_observation_times_go_to_the_later_received_update()
    {
        var receivedLater = Message("m1", Update(1, 30, ("custom1", Change("exited", 5))));
        var receivedEarlier = Message("m2", Update(1, 20, ("custom1", Change("realized", 5))));

        var group = Coalescer.Coalesce([receivedLater, receivedEarlier], FieldVersion.DefaultMaxEventTimeSkew).Single();

        Assert.Equal(Json("exited"), group.Fields["custom1"].Change.Value.Json);
    }

    [Fact]
    public void A_full_tie_goes_to_the_message_later_in_the_batch()
    {
        var first = Message("m1", Update(1, 20, ("custom1", Change("realized", 5))));
        var second = Message("m2", Update(1, 20, ("custom1", Change("exited", 5))));

        var group = Coalescer.Coalesce([first, second], FieldVersion.DefaultMaxEventTimeSkew).Single();

        Assert.Equal(Json("exited"), group.Fields["custom1"].Change.Value.Json);
    }

    [Fact]
    public void The_update_of_a_group_carries_the_sent_fields_and_the_latest_receipt_time()
    {
        var group = Coalescer.Coalesce([
            Message("m1", Update(1, 10, ("custom1", Change("realized", 5))) with { TraceParent = "old" }),
            Message("m2", Update(1, 20, ("custom2", Change("realized", 6))) with { TraceParent = "new" }),
        ], FieldVersion.DefaultMaxEventTimeSkew).Single();

        var update = Coalescer.ToUpdate(group, group.Fields);

        Assert.Equal(1, update.ProspectId);
        Assert.Equal(At(20), update.ReceivedAt);
        Assert.Equal("new", update.TraceParent);
        Assert.Equal(["custom1", "custom2"], update.Fields.Keys.Order());
    }

    [Fact]
    public void An_event_time_beyond_the_skew_counts_as_observed_at_the_receipt_and_is_counted()
    {
        // 9999-12-31 in spirit: a year after the export was received.
        var future = Message("m1", Update(1, 10, ("custom1", Change("realized", 10 + 365 * 24 * 60))));
        var later = Message("m2", Update(1, 20, ("custom1", Change("exited", 19))));

        var group = Coalescer.Coalesce([future, later], FieldVersion.DefaultMaxEventTimeSkew).Single();

        Assert.Equal(Json("exited"), group.Fields["custom1"].Change.Value.Json);
        Assert.Equal(1, Coalescer.CountBeyondSkew([future, later], FieldVersion.DefaultMaxEventTimeSkew));
    }

    [Fact]
    public void An_event_time_within_the_skew_is_believed()
    {
        var aheadByFourMinutes = Message("m1", Update(1, 10, ("custom1", Change("realized", 14))));
        var receivedLater = Message("m2", Update(1, 12, ("custom1", Change("exited", 12))));

        var group = Coalescer.Coalesce([aheadByFourMinutes, receivedLater], FieldVersion.DefaultMaxEventTimeSkew).Single();

        Assert.Equal(Json("realized"), group.Fields["custom1"].Change.Value.Json);
        Assert.Equal(At(14), group.Fields["custom1"].Version.ObservedAt);
        Assert.Equal(0, Coalescer.CountBeyondSkew([aheadByFourMinutes, receivedLater], FieldVersion.DefaultMaxEventTimeSkew));
    }
}

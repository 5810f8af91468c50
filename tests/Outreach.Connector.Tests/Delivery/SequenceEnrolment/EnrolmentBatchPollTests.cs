using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Outreach;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.SequenceEnrolment;

/// <summary>
/// How long the follower waits before polling an enrolment batch again: the time its pending items need at the rate seen
/// (a fifth more), never less than <c>Sequences__BatchPollInterval</c>; the interval when Outreach gives nothing to go by.
/// </summary>
public sealed class EnrolmentBatchPollTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly EnrolmentBatch Batch = new(9, 1, 1, [], Start);

    [Fact]
    public void A_batch_half_done_after_four_seconds_is_polled_again_when_the_rest_should_be_done()
    {
        var wait = EnrolmentBatchFollower.NextPoll(Batch, new BatchStatus(9, "processing", 100, 50, 0, null), Start.AddSeconds(4), Interval);

        Assert.Equal(TimeSpan.FromSeconds(4.8), wait);
    }

    [Fact]
    public void A_batch_nearly_done_is_polled_after_the_interval_at_the_soonest()
    {
        var wait = EnrolmentBatchFollower.NextPoll(Batch, new BatchStatus(9, "processing", 100, 1, 0, null), Start.AddSeconds(2), Interval);

        Assert.Equal(Interval, wait);
    }

    [Theory]
    [InlineData(100, 100)] // nothing processed yet: no rate to go by
    [InlineData(null, 50)] // no total
    [InlineData(100, null)] // no pending count
    [InlineData(100, 0)] // finished (never asked, but no estimate)
    public void Without_a_rate_to_go_by_the_interval_is_waited(int? total, int? pending)
    {
        var wait = EnrolmentBatchFollower.NextPoll(Batch, new BatchStatus(9, "processing", total, pending, 0, null), Start.AddSeconds(3), Interval);

        Assert.Equal(Interval, wait);
    }
}

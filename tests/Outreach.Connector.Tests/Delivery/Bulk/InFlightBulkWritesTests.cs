using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Bulk;

public sealed class InFlightBulkWritesTests
{
    private static InFlightBulkJob Job(long id, string field, params long[] prospects)
    {
        var version = FieldVersion.Of(Change("realized", 1), At(1));
        return new InFlightBulkJob(
            id,
            new Dictionary<string, FieldValue>(StringComparer.Ordinal) { [field] = FieldValue.FromString("realized") },
            prospects.ToDictionary(p => p, IReadOnlyDictionary<string, FieldVersion> (_) => new Dictionary<string, FieldVersion> { [field] = version }),
            At(2));
    }

    [Fact]
    public void A_field_in_flight_blocks_writes_of_that_field_of_that_prospect_only()
    {
        var registry = new InFlightBulkWrites();
        var job = Job(1, "custom1", 1, 2);
        registry.Start(job);

        Assert.Same(job, registry.Blocking(1, ["firstName", "custom1"]));
        Assert.Null(registry.Blocking(1, ["custom2"]));
        Assert.Null(registry.Blocking(3, ["custom1"]));
    }

    [Fact]
    public void A_second_job_writing_the_same_field_of_the_same_prospect_is_refused()
    {
        var registry = new InFlightBulkWrites();
        registry.Start(Job(1, "custom1", 1, 2));

        Assert.Throws<InvalidOperationException>(() => registry.Start(Job(2, "custom1", 2, 3)));
        registry.Start(Job(3, "custom2", 2, 3));
        Assert.Equal(2, registry.Count);
    }

    [Fact]
    public void Finishing_a_job_frees_its_fields()
    {
        var registry = new InFlightBulkWrites();
        var job = Job(1, "custom1", 1);
        registry.Start(job);

        registry.Finish(job);
        registry.Finish(job);

        Assert.Null(registry.Blocking(1, ["custom1"]));
        Assert.Equal(0, registry.Count);
        registry.Start(Job(2, "custom1", 1));
    }

    [Fact]
    public void Only_jobs_whose_poll_is_due_are_offered_oldest_first()
    {
        var registry = new InFlightBulkWrites();
        var late = Job(10, "custom1", 1);
        var early = Job(11, "custom2", 1) with { };
        late.NextPollAt = At(10);
        early.NextPollAt = At(3);
        registry.Start(late);
        registry.Start(early);

        Assert.Equal([11L], registry.DueForPoll(At(5)).Select(j => j.BatchId));
        Assert.Equal(2, registry.DueForPoll(At(10)).Count);
    }
}

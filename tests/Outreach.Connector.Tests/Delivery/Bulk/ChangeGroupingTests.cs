using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Delivery.Bulk;

public sealed class ChangeGroupingTests
{
    private static Dictionary<string, FieldValue> Change(params (string Field, string Value)[] fields) =>
        fields.ToDictionary(f => f.Field, f => FieldValue.FromString(f.Value), StringComparer.Ordinal);

    private static BulkPlan<(long Id, Dictionary<string, FieldValue> Change)> Plan(
        IEnumerable<(long Id, Dictionary<string, FieldValue> Change)> items, int max = 100, int min = 2) =>
        ChangeGrouping.Plan(items, i => i.Id, i => i.Change, max, min);

    [Fact]
    public void Prospects_with_the_same_field_value_set_share_one_chunk_whatever_the_field_order()
    {
        var plan = Plan(
        [
            (1, Change(("custom1", "realized"), ("custom2", "exited"))),
            (2, Change(("custom2", "exited"), ("custom1", "realized"))),
            (3, Change(("custom1", "realized"))),
            (4, Change(("custom1", "realized"))),
            (5, Change(("custom1", "exited"))),
        ]);

        Assert.Equal(2, plan.Chunks.Count);
        Assert.Equal([1L, 2L], plan.Chunks[0].Items.Select(i => i.Id));
        Assert.Equal([3L, 4L], plan.Chunks[1].Items.Select(i => i.Id));
        Assert.Equal("\"realized\"", plan.Chunks[1].Change["custom1"].Json);
        Assert.Equal([5L], plan.Singles.Select(i => i.Id));
    }

    [Fact]
    public void A_large_group_is_cut_at_the_maximum_and_a_too_small_remainder_goes_to_patch()
    {
        var items = Enumerable.Range(1, 11).Select(i => ((long)i, Change(("custom1", "realized")))).ToList();

        var plan = Plan(items, max: 5, min: 2);

        Assert.Equal([5, 5], plan.Chunks.Select(c => c.Items.Count));
        Assert.Equal([11L], plan.Singles.Select(i => i.Id));
        Assert.All(plan.Chunks, c => Assert.Equal(c.Items.Count, c.Items.Select(i => i.Id).Distinct().Count()));
    }

    [Fact]
    public void Values_that_differ_only_in_one_field_are_different_changes()
    {
        var plan = Plan(
        [
            (1, Change(("custom1", "realized"), ("firstName", "Ann"))),
            (2, Change(("custom1", "realized"), ("firstName", "Bob"))),
            (3, Change(("custom1", "realized"))),
        ]);

        Assert.Empty(plan.Chunks);
        Assert.Equal([1L, 2L, 3L], plan.Singles.Select(i => i.Id));
    }

    [Fact]
    public void A_prospect_twice_or_an_empty_change_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Plan([(1, Change(("custom1", "a"))), (1, Change(("custom1", "a")))]));
        Assert.Throws<ArgumentException>(() => Plan([(1, Change())]));
    }

    [Fact]
    public void Keys_cannot_be_confused_by_names_and_values_that_run_together()
    {
        var a = ChangeGrouping.KeyOf(Change(("ab", "c")));
        var b = ChangeGrouping.KeyOf(Change(("a", "bc")));

        Assert.NotEqual(a, b);
    }
}

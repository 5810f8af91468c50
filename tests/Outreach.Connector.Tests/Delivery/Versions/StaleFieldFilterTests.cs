using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Versions;

public sealed class StaleFieldFilterTests
{
    private static Dictionary<string, CoalescedField> Fields(params (string Name, string Value, int Observed, int Received)[] fields) =>
        fields.ToDictionary(f => f.Name, f => new CoalescedField(Change(f.Value, f.Observed), At(f.Received)), StringComparer.Ordinal);

    private static Dictionary<string, FieldVersion> Applied(params (string Name, string Value, int Observed, int Received)[] fields) =>
        fields.ToDictionary(
            f => f.Name,
            f => new FieldVersion(At(f.Observed), At(f.Received), FieldVersion.HashOf(FieldValue.FromString(f.Value))),
            StringComparer.Ordinal);

    [Fact]
    public void A_field_never_applied_is_sent()
    {
        var result = StaleFieldFilter.Filter(Fields(("custom1", "realized", 5, 5)), Applied());

        Assert.Equal(["custom1"], result.Fresh.Keys);
        Assert.Equal(0, result.Stale + result.Duplicate);
    }

    [Fact]
    public void A_field_observed_later_than_the_applied_value_is_sent()
    {
        var result = StaleFieldFilter.Filter(Fields(("custom1", "exited", 9, 9)), Applied(("custom1", "realized", 5, 5)));

        Assert.Equal(["custom1"], result.Fresh.Keys);
    }

    [Fact]
    public void A_field_observed_earlier_than_the_applied_value_is_dropped_as_stale()
    {
        var result = StaleFieldFilter.Filter(Fields(("custom1", "realized", 5, 20)), Applied(("custom1", "exited", 9, 9)));

        Assert.Empty(result.Fresh);
        Assert.Equal(1, result.Stale);
    }

    [Fact]
    public void The_same_version_and_value_is_dropped_as_duplicate()
    {
        var result = StaleFieldFilter.Filter(Fields(("custom1", "realized", 5, 5)), Applied(("custom1", "realized", 5, 5)));

        Assert.Empty(result.Fresh);
        Assert.Equal(1, result.Duplicate);
        Assert.Equal(0, result.Stale);
    }

    [Fact]
    public void The_same_version_with_a_different_value_keeps_the_applied_value()
    {
        var result = StaleFieldFilter.Filter(Fields(("custom1", "exited", 5, 5)), Applied(("custom1", "realized", 5, 5)));

        Assert.Empty(result.Fresh);
        Assert.Equal(1, result.Stale);
    }

    [Fact]
    public void An_equal_observation_received_later_is_sent()
    {
        var result = StaleFieldFilter.Filter(Fields(("custom1", "exited", 5, 8)), Applied(("custom1", "realized", 5, 5)));

        Assert.Equal(["custom1"], result.Fresh.Keys);
    }

    [Fact]
    public void Fields_are_judged_one_by_one()
    {
        var result = StaleFieldFilter.Filter(
            Fields(("custom1", "realized", 5, 10), ("custom2", "realized", 10, 10), ("firstName", "Ann", 10, 10)),
            Applied(("custom1", "exited", 7, 7), ("custom2", "realized", 10, 10)));

        Assert.Equal(["firstName"], result.Fresh.Keys);
        Assert.Equal(1, result.Stale);
        Assert.Equal(1, result.Duplicate);
    }
}

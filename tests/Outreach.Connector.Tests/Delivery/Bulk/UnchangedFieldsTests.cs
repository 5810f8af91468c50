using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Bulk;

public sealed class UnchangedFieldsTests
{
    private static Dictionary<string, CoalescedField> Fields(params (string Name, string Value, int Minute)[] fields) =>
        fields.ToDictionary(f => f.Name, f => new CoalescedField(Change(f.Value, f.Minute), At(f.Minute)), StringComparer.Ordinal);

    [Fact]
    public void A_newer_export_of_the_value_last_applied_is_already_applied()
    {
        var applied = new Dictionary<string, FieldVersion>
        {
            ["firstName"] = FieldVersion.Of(Change("Ann", 1), At(1)),
            ["custom1"] = FieldVersion.Of(Change("realized", 1), At(1)),
        };
        var fresh = Fields(("firstName", "Ann", 5), ("custom1", "exited", 5), ("title", "CEO", 5));

        var unchanged = UnchangedFields.AlreadyApplied(fresh, applied);

        Assert.Equal(["firstName"], unchanged.Keys);
        Assert.Equal(["custom1", "title"], UnchangedFields.Without(fresh, unchanged).Keys.Order());
    }

    [Fact]
    public void Values_read_back_compare_by_meaning_not_spelling()
    {
        var fresh = Fields(("firstName", "Zoë", 5), ("lastName", "Smith", 5), ("title", "CEO", 5));
        var held = new Dictionary<string, FieldValue>
        {
            ["firstName"] = FieldValue.Parse("\"Zo\\u00EB\""),
            ["lastName"] = FieldValue.FromString("Smyth"),
        };

        var same = UnchangedFields.SameInOutreach(fresh, held);

        Assert.Equal(["firstName"], same.Keys);
    }

    [Theory]
    [InlineData("42", "42.0", true)]
    [InlineData("[\"a\",\"b\"]", "[\"a\", \"b\"]", true)]
    [InlineData("[\"a\",\"b\"]", "[\"b\",\"a\"]", false)]
    [InlineData("\"42\"", "42", false)]
    [InlineData("null", "\"\"", false)]
    [InlineData("true", "true", true)]
    public void Same_value_rules(string a, string b, bool same)
    {
        Assert.Equal(same, UnchangedFields.SameValue(FieldValue.Parse(a), FieldValue.Parse(b)));
    }
}

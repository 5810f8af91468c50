using Outreach.Connector.Delivery.Counters;


namespace Outreach.Connector.Tests.Monitoring;

public sealed class CounterNamesTests
{
    [Fact]
    public void Audience_counters_name_the_audience_and_the_written_text_as_table_property_names()
    {
        var name = DeliveryCounterNames.AudienceWritten("aaaaaaaa-1111-4000-8000-000000000001", "realized");

        Assert.Equal("Audience_aaaaaaaa_1111_4000_8000_000000000001_realized", name);
        Assert.StartsWith(DeliveryCounterNames.AudienceWrittenPrefix("aaaaaaaa-1111-4000-8000-000000000001"), name, StringComparison.Ordinal);
        Assert.True(DeliveryCounterNames.IsValid(name));
        Assert.True(DeliveryCounterNames.IsValid(DeliveryCounterNames.AudienceWritten(new string('x', 300), "Active – EMEA")));
    }

    [Fact]
    public void Exclusion_counters_carry_the_reason_code()
    {
        Assert.Equal("Excluded_no_outreach_identity", DeliveryCounterNames.ExcludedFor("no_outreach_identity"));
        Assert.True(DeliveryCounterNames.IsValid(DeliveryCounterNames.ExcludedFor("identity_not_positive_integer")));
    }
}

using Outreach.Connector.Queueing;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Queueing;

public sealed class UpdateMessageIdTests
{
    private static readonly DateTimeOffset Received = new(2026, 3, 2, 10, 20, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset Qualified = new(2026, 3, 2, 10, 15, 0, TimeSpan.Zero);

    // An export as ingest translates it: an attribute stamped with the receipt time, an audience with AEP's version.
    private static ProspectUpdate Update(
        long prospect = 42, string title = "CTO", string status = "realized", DateTimeOffset? qualified = null, DateTimeOffset? received = null)
    {
        var at = received ?? Received;
        return new ProspectUpdate(
            prospect,
            new Dictionary<string, FieldChange>
            {
                ["title"] = new(FieldValue.FromString(title), at),
                ["custom1"] = new(FieldValue.FromString(status), qualified ?? Qualified, "aud-1"),
            },
            at)
        { TraceParent = "00-" + Guid.NewGuid().ToString("N") + "-0000000000000001-01" };
    }

    [Fact]
    public void Same_update_gets_the_same_id()
    {
        Assert.Equal(UpdateMessageId.For(Update()), UpdateMessageId.For(Update()));
    }

    [Fact]
    public void Retry_received_later_with_another_trace_gets_the_same_id()
    {
        Assert.Equal(UpdateMessageId.For(Update()), UpdateMessageId.For(Update(received: Received.AddSeconds(45))));
    }

    [Fact]
    public void Field_order_does_not_matter()
    {
        var update = Update();
        var reversed = update with { Fields = update.Fields.Reverse().ToDictionary(f => f.Key, f => f.Value) };

        Assert.Equal(UpdateMessageId.For(update), UpdateMessageId.For(reversed));
    }

    [Fact]
    public void Another_version_gets_another_id()
    {
        Assert.NotEqual(UpdateMessageId.For(Update()), UpdateMessageId.For(Update(qualified: Qualified.AddMinutes(1))));
    }

    [Theory]
    [InlineData(43, "CTO", "realized")]
    [InlineData(42, "CEO", "realized")]
    [InlineData(42, "CTO", "exited")]
    public void Another_prospect_or_value_gets_another_id(long prospect, string title, string status)
    {
        Assert.NotEqual(UpdateMessageId.For(Update()), UpdateMessageId.For(Update(prospect, title, status)));
    }

    [Fact]
    public void Id_is_a_bounded_hash_without_the_values_in_clear()
    {
        var id = UpdateMessageId.For(Update(title: "Ada Lovelace"));

        Assert.Matches("^u1-[0-9a-f]{64}$", id);
        Assert.True(id.Length <= 128, "Service Bus message ids are at most 128 characters");
        Assert.DoesNotContain("Ada", id, StringComparison.OrdinalIgnoreCase);
    }
}

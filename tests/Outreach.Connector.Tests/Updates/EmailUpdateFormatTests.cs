using System.Text.Json;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Updates;

public sealed class EmailUpdateFormatTests
{
    private static readonly DateTimeOffset Received = new(2025, 3, 2, 11, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, FieldChange> Fields() => new() { ["custom1"] = new(FieldValue.FromString("realized"), Received, "aud-1") };

    [Fact]
    public void Email_update_round_trips_as_version_2_without_a_prospect_id()
    {
        var original = new ProspectUpdate(0, Fields(), Received) { Email = "ada@example.com" };

        var text = ProspectUpdateFormat.SerializeToString(original);
        var copy = ProspectUpdateFormat.Deserialize(text);

        using var document = JsonDocument.Parse(text);
        Assert.Equal(2, document.RootElement.GetProperty("v").GetInt32());
        Assert.False(document.RootElement.TryGetProperty("p", out _));
        Assert.Equal(original, copy);
        Assert.True(copy.NeedsResolution);
    }

    [Fact]
    public void Update_with_a_prospect_id_is_still_written_as_version_1_for_older_readers()
    {
        var text = ProspectUpdateFormat.SerializeToString(new ProspectUpdate(42, Fields(), Received));
        using var document = JsonDocument.Parse(text);
        Assert.Equal(1, document.RootElement.GetProperty("v").GetInt32());
        Assert.Equal(42, document.RootElement.GetProperty("p").GetInt64());
    }

    [Fact]
    public void Message_written_before_emails_existed_still_decodes()
    {
        var update = ProspectUpdateFormat.Deserialize("""{"v":1,"p":123,"r":1740910500000,"f":{"custom1":{"v":"realized","t":1740910500000,"a":"aud-1"}}}""");
        Assert.Equal(123, update.ProspectId);
        Assert.Null(update.Email);
    }

    [Theory]
    [InlineData("""{"v":1,"e":"ada@example.com","r":1,"f":{}}""")]
    [InlineData("""{"v":2,"e":"","r":1,"f":{}}""")]
    [InlineData("""{"v":2,"r":1,"f":{}}""")]
    [InlineData("""{"v":3,"e":"ada@example.com","r":1,"f":{}}""")]
    public void Message_without_a_usable_prospect_is_refused(string message)
    {
        Assert.Throws<FormatException>(() => ProspectUpdateFormat.Deserialize(message));
    }

    [Fact]
    public void Updates_for_different_emails_are_not_equal()
    {
        var a = new ProspectUpdate(0, Fields(), Received) { Email = "a@example.com" };
        var b = new ProspectUpdate(0, Fields(), Received) { Email = "b@example.com" };
        Assert.NotEqual(a, b);
    }
}

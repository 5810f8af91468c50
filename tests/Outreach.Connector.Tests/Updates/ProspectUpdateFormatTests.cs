using System.Text.Json;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Tests.Updates;

public sealed class ProspectUpdateFormatTests
{
    private static readonly DateTimeOffset Received = new(2025, 3, 2, 11, 0, 0, 123, TimeSpan.Zero);

    private static ProspectUpdate Sample() => new(
        42,
        new Dictionary<string, FieldChange>
        {
            ["custom1"] = new(FieldValue.FromString("realized"), new DateTimeOffset(2025, 3, 2, 10, 15, 0, TimeSpan.Zero), "aaaa-1"),
            ["firstName"] = new(FieldValue.FromString("Zoë \"Z\" Ünal"), Received),
            ["emails"] = new(FieldValue.Parse("[\"a@example.com\", \"b@example.com\"]"), Received),
            ["score"] = new(FieldValue.Parse("12.50"), Received),
        },
        Received)
    { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

    [Fact]
    public void Update_round_trips_exactly()
    {
        var original = Sample();
        var text = ProspectUpdateFormat.SerializeToString(original);
        var copy = ProspectUpdateFormat.Deserialize(text);

        Assert.Equal(original, copy);
        Assert.Equal(text, ProspectUpdateFormat.SerializeToString(copy));
    }

    [Fact]
    public void Message_is_compact_and_carries_the_schema_version()
    {
        var text = ProspectUpdateFormat.SerializeToString(Sample());
        using var document = JsonDocument.Parse(text);
        Assert.Equal(1, document.RootElement.GetProperty("v").GetInt32());
        Assert.DoesNotContain(" \"", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
        Assert.Equal("[\"a@example.com\",\"b@example.com\"]", document.RootElement.GetProperty("f").GetProperty("emails").GetProperty("v").GetRawText());
    }

    [Fact]
    public void Re_enqueued_copy_carries_the_attempts_it_used()
    {
        var text = ProspectUpdateFormat.SerializeToString(Sample(), attemptsUsed: 3);
        var queued = ProspectUpdateFormat.DeserializeQueued(text);
        Assert.Equal(3, queued.AttemptsUsed);
        Assert.Equal(Sample(), queued.Update);
        Assert.Equal(0, ProspectUpdateFormat.DeserializeQueued(ProspectUpdateFormat.SerializeToString(Sample())).AttemptsUsed);
        Assert.DoesNotContain("\"n\"", ProspectUpdateFormat.SerializeToString(Sample()), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_properties_from_a_newer_writer_are_ignored()
    {
        var update = ProspectUpdateFormat.Deserialize("""{"v":1,"p":7,"r":0,"f":{"title":{"v":"CTO","t":5,"x":1}},"future":true}""");
        Assert.Equal(7, update.ProspectId);
        Assert.Equal("CTO", update.Fields["title"].Value.AsString());
    }

    [Theory]
    [InlineData("""{"v":3,"p":7,"r":0,"f":{}}""")]
    [InlineData("""{"p":7,"r":0,"f":{}}""")]
    [InlineData("""{"v":1,"p":0,"r":0,"f":{}}""")]
    [InlineData("""{"v":1,"p":"7","r":0,"f":{}}""")]
    [InlineData("""{"v":1,"p":7,"r":-5,"f":{}}""")]
    [InlineData("""{"v":1,"p":7,"r":0,"f":[]}""")]
    [InlineData("""{"v":1,"p":7,"r":0,"f":{"title":"CTO"}}""")]
    [InlineData("""{"v":1,"p":7,"r":0,"f":{"title":{"v":"CTO"}}}""")]
    [InlineData("""{"v":1,"p":7,"r":99999999999999999,"f":{}}""")]
    [InlineData("[]")]
    [InlineData("not json")]
    public void Message_that_is_not_an_update_this_version_reads_is_refused_with_format_exception(string message)
    {
        Assert.Throws<FormatException>(() => ProspectUpdateFormat.Deserialize(message));
    }

    [Fact]
    public void Field_values_compare_by_their_json_text()
    {
        Assert.Equal(FieldValue.FromString("a"), FieldValue.Parse("\"a\""));
        Assert.Equal(FieldValue.Parse("[1, 2]"), FieldValue.Parse("[1,2]"));
        Assert.NotEqual(FieldValue.FromString("1"), FieldValue.Parse("1"));
        Assert.Null(FieldValue.Parse("1").AsString());
    }
}

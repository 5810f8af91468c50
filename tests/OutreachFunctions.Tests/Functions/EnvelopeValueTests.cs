using System.Text.Json;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Tests.Functions;

// The wire forms of docs/reference/functions-host.md §2.0's table, and the documentation's once-encoded forms.
public sealed class EnvelopeValueTests
{
    private static JsonElement Wire(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [InlineData("\"\\\"hello world\\\"\"", "hello world")]
    [InlineData("\"hello world\"", "hello world")]
    [InlineData("\"\\\"{\\\\\\\"orderId\\\\\\\":42}\\\"\"", "{\"orderId\":42}")]
    [InlineData("\"{\\\"orderId\\\":42}\"", "{\"orderId\":42}")]
    [InlineData("{\"orderId\":42}", "{\"orderId\":42}")]
    [InlineData("\"\\\"abc-123\\\"\"", "abc-123")]
    [InlineData("\"\\\"123\\\"\"", "123")]
    [InlineData("\"123\"", "123")]
    [InlineData("123", "123")]
    [InlineData("null", null)]
    public void Text_peels_only_json_string_layers(string wire, string? expected) =>
        Assert.Equal(expected, EnvelopeValue.Text(Wire(wire)));

    [Theory]
    [InlineData("\"1\"", 1)]
    [InlineData("\"123\"", 123)]
    [InlineData("\"\\\"7\\\"\"", 7)]
    [InlineData("5", 5)]
    public void Numbers_arrive_as_strings_or_numbers(string wire, long expected)
    {
        Assert.True(EnvelopeValue.TryGetInt64(Wire(wire), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"1.5\"")]
    [InlineData("{}")]
    public void Non_integers_are_not_read_as_integers(string wire) =>
        Assert.False(EnvelopeValue.TryGetInt64(Wire(wire), out _));

    [Fact]
    public void Array_metadata_is_a_string_holding_an_array()
    {
        Assert.True(EnvelopeValue.TryGetArray(Wire("\"[1,2]\""), out var array));
        Assert.Equal([1, 2], array.EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(EnvelopeValue.TryGetArray(Wire("[\"a\",\"b\"]"), out var plain));
        Assert.Equal(2, plain.GetArrayLength());
    }

    [Fact]
    public void Dictionary_metadata_is_a_real_object_or_a_string_holding_one()
    {
        Assert.True(EnvelopeValue.TryGetObject(Wire("{\"tenant\":\"t1\",\"n\":5}"), out var obj));
        Assert.Equal("t1", obj.GetProperty("tenant").GetString());
        Assert.True(EnvelopeValue.TryGetObject(Wire("\"{\\\"n\\\":5}\""), out var wrapped));
        Assert.Equal(5, wrapped.GetProperty("n").GetInt32());
    }

    [Theory]
    [InlineData("\"2026-01-02T03:04:05\"")]
    [InlineData("\"2026-01-02T03:04:05Z\"")]
    [InlineData("\"2026-01-02T03:04:05+00:00\"")]
    [InlineData("\"2026-01-02T04:04:05+01:00\"")]
    [InlineData("\"\\\"2026-01-02T03:04:05Z\\\"\"")]
    public void Times_without_an_offset_are_read_as_utc(string wire)
    {
        Assert.True(EnvelopeValue.TryGetDateTimeOffset(Wire(wire), out var time));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), time);
    }

    [Fact]
    public void Ordinary_text_is_not_mistaken_for_json()
    {
        var value = EnvelopeValue.Json(Wire("\"not json at all\""));
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        Assert.Equal("not json at all", value.GetString());
    }
}

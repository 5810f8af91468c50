using System.Text.Json;
using Outreach.Connector.Aep;

namespace Outreach.Connector.Tests.Aep;

public sealed class AepTimestampTests
{
    private static readonly DateTimeOffset Expected = new(2019, 4, 15, 2, 41, 50, TimeSpan.Zero);

    [Theory]
    [InlineData("2019-04-15T02:41:50Z")]
    [InlineData("2019-04-15T02:41:50+0000")]
    [InlineData("2019-04-15T02:41:50.000+0000")]
    [InlineData("2019-04-15T04:41:50+02:00")]
    [InlineData("2019-04-15T04:41:50+0200")]
    [InlineData("2019-04-14T21:41:50.000-0500")]
    public void Every_timestamp_form_Adobe_shows_is_read(string text)
    {
        Assert.True(AepTimestamp.TryParse(text, out var value));
        Assert.Equal(Expected, value);
    }

    [Fact]
    public void Fractional_seconds_are_kept()
    {
        Assert.True(AepTimestamp.TryParse("2019-04-15T02:41:50.123+0000", out var value));
        Assert.Equal(Expected.AddMilliseconds(123), value);
    }

    [Fact]
    public void Epoch_milliseconds_numbers_are_read()
    {
        using var document = JsonDocument.Parse("1738368000000");
        Assert.True(AepTimestamp.TryRead(document.RootElement, out var value));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1738368000000), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2019-04-15")]
    [InlineData("2019-13-15T02:41:50Z")]
    [InlineData("2019-04-15T02:41:50+00")]
    public void Text_that_is_not_a_timestamp_is_refused(string text) => Assert.False(AepTimestamp.TryParse(text, out _));

    [Theory]
    [InlineData("-1")]
    [InlineData("1e30")]
    [InlineData("true")]
    [InlineData("{}")]
    public void Json_that_is_not_a_time_is_refused(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.False(AepTimestamp.TryRead(document.RootElement, out _));
    }
}

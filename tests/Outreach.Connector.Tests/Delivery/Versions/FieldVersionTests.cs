using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;
using static Outreach.Connector.Tests.Delivery.TestUpdates;

namespace Outreach.Connector.Tests.Delivery.Versions;

public sealed class FieldVersionTests
{
    [Fact]
    public void A_version_survives_its_stored_text()
    {
        var version = FieldVersion.Of(Change("realized", 5), At(7));

        Assert.True(FieldVersion.TryDecode(version.Encode(), out var decoded));
        Assert.Equal(version, decoded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1|2")]
    [InlineData("x|2|h")]
    public void Unreadable_stored_text_is_not_a_version(string? text)
    {
        Assert.False(FieldVersion.TryDecode(text, out _));
    }

    [Fact]
    public void Equal_values_hash_equal_and_different_values_differently()
    {
        Assert.Equal(FieldVersion.HashOf(FieldValue.FromString("a")), FieldVersion.HashOf(FieldValue.FromString("a")));
        Assert.NotEqual(FieldVersion.HashOf(FieldValue.FromString("a")), FieldVersion.HashOf(FieldValue.Parse("[\"a\"]")));
    }

    [Theory]
    [InlineData("custom7")]
    [InlineData("firstName")]
    [InlineData("odd name_with/chars")]
    public void Field_names_survive_their_property_names(string field)
    {
        var property = FieldVersionStore.EncodeName(field);

        Assert.Matches("^f_[A-Za-z0-9_]+$", property);
        Assert.Equal(field, FieldVersionStore.DecodeName(property));
    }
}

using Outreach.Connector.Delivery.Claims;

namespace Outreach.Connector.Tests.Delivery.Claims;

public sealed class ProspectClaimOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new ProspectClaimOptionsValidator().Validate(null, new ProspectClaimOptions()).Succeeded);
    }

    [Theory]
    [InlineData("00:00:05", "00:00:05", 8, "Delivery__Claims__LeaseDuration")]
    [InlineData("01:00:00", "00:00:05", 8, "Delivery__Claims__LeaseDuration")]
    [InlineData("00:02:00", "-00:00:01", 8, "Delivery__Claims__ConflictDelay")]
    [InlineData("00:02:00", "00:10:00", 8, "Delivery__Claims__ConflictDelay")]
    [InlineData("00:02:00", "00:00:05", 0, "Delivery__Claims__Shards")]
    [InlineData("00:02:00", "00:00:05", 1001, "Delivery__Claims__Shards")]
    public void A_value_out_of_range_names_the_app_setting(string lease, string conflictDelay, int shards, string setting)
    {
        var options = new ProspectClaimOptions
        {
            LeaseDuration = TimeSpan.Parse(lease, System.Globalization.CultureInfo.InvariantCulture),
            ConflictDelay = TimeSpan.Parse(conflictDelay, System.Globalization.CultureInfo.InvariantCulture),
            Shards = shards,
        };

        var result = new ProspectClaimOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Single(result.Failures!);
        Assert.StartsWith(setting + " ", result.FailureMessage, StringComparison.Ordinal);
    }
}

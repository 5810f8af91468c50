using Microsoft.Extensions.Configuration;
using Outreach.Connector.Delivery.Operations.SetFields;

namespace Outreach.Connector.Tests.Delivery.Bulk;

public sealed class BulkWriteOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid_bulk_auto_and_unchanged_values_not_resent()
    {
        var options = new BulkWriteOptions();

        Assert.True(new BulkWriteOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(BulkWriteMode.Auto, options.BulkWrites);
        Assert.False(options.ResendUnchanged);
    }

    [Theory]
    [InlineData("off", BulkWriteMode.Off)]
    [InlineData("On", BulkWriteMode.On)]
    [InlineData("auto", BulkWriteMode.Auto)]
    public void The_mode_binds_from_app_settings_in_any_case(string text, BulkWriteMode expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Delivery:BulkWrites"] = text, ["Delivery:ResendUnchanged"] = "true" })
            .Build();

        var options = configuration.GetSection(BulkWriteOptions.SectionName).Get<BulkWriteOptions>()!;

        Assert.Equal(expected, options.BulkWrites);
        Assert.True(options.ResendUnchanged);
    }

    [Theory]
    [InlineData("mode", "Delivery__BulkWrites")]
    [InlineData("min", "Delivery__MinProspectsPerBulkCall")]
    [InlineData("poll", "Delivery__BulkPollInterval")]
    [InlineData("wait", "Delivery__MaxBulkWait")]
    public void A_wrong_setting_is_named_as_typed_in_app_settings(string broken, string setting)
    {
        var options = new BulkWriteOptions();
        switch (broken)
        {
            case "mode": options.BulkWrites = (BulkWriteMode)7; break;
            case "min": options.MinProspectsPerBulkCall = 1; break;
            case "poll": options.BulkPollInterval = TimeSpan.Zero; break;
            default: options.MaxBulkWait = TimeSpan.FromMilliseconds(1); break;
        }

        var result = new BulkWriteOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }
}

using Outreach.Connector.Delivery;

namespace Outreach.Connector.Tests.Delivery;

public sealed class DeliveryOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new DeliveryOptionsValidator().Validate(null, new DeliveryOptions()).Succeeded);
    }

    [Theory]
    [InlineData("margin")]
    [InlineData("burst")]
    [InlineData("backoff")]
    [InlineData("prefix")]
    [InlineData("connection")]
    [InlineData("attempts")]
    public void Inconsistent_settings_are_refused_with_the_setting_named(string broken)
    {
        var options = new DeliveryOptions();
        string expected;
        switch (broken)
        {
            case "margin":
                options.SafetyMargin = options.RequestsPerWindow;
                expected = "SafetyMargin";
                break;
            case "burst":
                options.BurstPermits = 0;
                expected = "BurstPermits";
                break;
            case "backoff":
                options.BackoffMax = options.BackoffBase / 2;
                expected = "BackoffMax";
                break;
            case "prefix":
                options.TablePrefix = "1-bad";
                expected = "TablePrefix";
                break;
            case "connection":
                options.ConnectionName = "a/b";
                expected = "ConnectionName";
                break;
            default:
                options.MaxAttempts = 0;
                expected = "MaxAttempts";
                break;
        }

        var result = new DeliveryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tests.Outreach;

/// <summary>The bulk settings bind from the Outreach section and a wrong value names the setting as typed in app settings.</summary>
public sealed class OutreachBulkOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_conservative()
    {
        var options = new OutreachBulkOptions();

        Assert.Empty(options.Validate());
        Assert.False(options.EmailFilterMultiValue);
        Assert.Equal(BulkBodyShape.Attributes, options.BulkBodyShape);
    }

    [Theory]
    [InlineData("MaxIdsPerRead", "0")]
    [InlineData("MaxEmailsPerLookup", "1001")]
    [InlineData("MaxIdsPerBulkCall", "-3")]
    public void A_wrong_value_is_one_line_naming_the_setting(string key, string value)
    {
        var options = Bind(new Dictionary<string, string?> { ["Outreach:" + key] = value });

        var problem = Assert.Single(options.Validate());

        Assert.StartsWith($"Outreach__{key} must be between 1 and", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void Settings_bind_from_the_outreach_section()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Outreach:EmailFilterMultiValue"] = "true",
            ["Outreach:BulkBodyShape"] = "FieldNameValue",
            ["Outreach:MaxIdsPerRead"] = "250",
        });

        Assert.True(options.EmailFilterMultiValue);
        Assert.Equal(BulkBodyShape.FieldNameValue, options.BulkBodyShape);
        Assert.Equal(250, options.MaxIdsPerRead);
    }

    private static OutreachBulkOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection()
            .AddOutreachBulkClients(configuration)
            .BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<OutreachBulkOptions>>();
        try
        {
            return monitor.CurrentValue;
        }
        catch (OptionsValidationException ex)
        {
            // Validation runs on first use; the test reads the options' own check to see the message.
            var bound = new OutreachBulkOptions();
            configuration.GetSection("Outreach").Bind(bound);
            Assert.NotEmpty(ex.Failures);
            return bound;
        }
    }
}

using System.Net;
using OutreachFunctions.Functions;
using OutreachFunctions.Tests.Functions.Infrastructure;

namespace OutreachFunctions.Tests.Functions;

public sealed class HandlerStartupTests
{
    [Fact]
    public async Task Readiness_probe_on_root_is_answered()
    {
        await using var handler = await FunctionsHandler.StartAsync();
        using var response = await handler.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", handler.BaseAddress.Host);
    }

    [Fact]
    public async Task Legacy_port_setting_is_used_when_the_current_one_is_absent()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            [HandlerPort.SettingName] = null,
            [HandlerPort.LegacySettingName] = "0",
        });
        using var response = await handler.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Missing_port_stops_the_build_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            FunctionsHandler.StartAsync(new Dictionary<string, string?> { [HandlerPort.SettingName] = null }));
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT is missing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Delivery:QueueName", "The setting Delivery__QueueName is missing")]
    [InlineData("ServiceBusConnection:fullyQualifiedNamespace", "The setting ServiceBusConnection__fullyQualifiedNamespace is missing")]
    [InlineData("ConnectorStorage", "The setting ConnectorStorage__accountName is missing")]
    [InlineData("Outreach:ClientId", "Outreach:ClientId is required")]
    [InlineData("Tokens:KeyVaultUri", "Tokens:KeyVaultUri must be the vault's https URL")]
    public async Task Missing_binding_setting_stops_the_start_naming_it(string setting, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            FunctionsHandler.StartAsync(new Dictionary<string, string?> { [setting] = null }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_connection_string_satisfies_the_binding_settings()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = null,
            ["ServiceBusConnection"] = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
        });
        using var response = await handler.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_mapping_stops_the_start_with_the_marketer_message()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => FunctionsHandler.StartAsync(new Dictionary<string, string?>
        {
            ["Mapping:Audiences:0:AudienceId"] = "extra",
            ["Mapping:Audiences:0:Name"] = "High intent",
            ["Mapping:Audiences:0:MappingId"] = "151",
        }));
        Assert.Contains("Audience 'High intent' has mapping ID 151; Outreach has custom fields 1 to 150.", error.Message, StringComparison.Ordinal);
    }
}

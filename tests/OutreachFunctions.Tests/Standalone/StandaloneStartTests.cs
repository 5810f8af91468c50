using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Standalone;

// The standalone runtime refuses to start on a bad setting: exit code 2 and one clean line per setting to fix, named as
// it is typed in app settings or the environment, and no stack trace.
public sealed class StandaloneStartTests
{
    [Fact]
    public async Task Invalid_settings_exit_2_naming_them_in_app_setting_spelling_without_a_stack_trace()
    {
        var (exitCode, printed) = await ConnectorProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
            ["Monitoring:Exporter"] = "None",
            ["ConnectorStorage"] = "UseDevelopmentStorage=true",
            ["Tokens:KeepAliveAge"] = "00:00:30",
        });

        Assert.True(exitCode == 2, printed);
        Assert.Contains("The connector cannot start in Standalone mode; fix these settings:", printed, StringComparison.Ordinal);
        Assert.Contains("  - Outreach__ClientId is required", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("Outreach:ClientId", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
    }
}

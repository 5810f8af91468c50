using System.Diagnostics;

namespace OutreachFunctions.Tests.Standalone;

// The standalone runtime refuses to start on a bad setting: exit code 2 and one clean line per setting to fix, named as
// it is typed in app settings or the environment, and no stack trace.
public sealed class StandaloneStartTests
{
    [Fact]
    public async Task Invalid_settings_exit_2_naming_them_in_app_setting_spelling_without_a_stack_trace()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OutreachFunctions.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment.Remove("FUNCTIONS_CUSTOMHANDLER_PORT");
        start.Environment["Connector__Mode"] = "Standalone";
        start.Environment["Monitoring__Exporter"] = "None";
        start.Environment["ConnectorStorage"] = "UseDevelopmentStorage=true";
        start.Environment["Tokens__KeepAliveAge"] = "00:00:30";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The connector process did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A guard, not a measurement: a connector that wrongly starts would otherwise run until the test run is killed.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The connector started although its settings are invalid.");
        }

        var printed = await output + await errors;

        Assert.True(process.ExitCode == 2, printed);
        Assert.Contains("The connector cannot start in Standalone mode; fix these settings:", printed, StringComparison.Ordinal);
        Assert.Contains("  - Outreach__ClientId is required", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("Outreach:ClientId", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
    }
}

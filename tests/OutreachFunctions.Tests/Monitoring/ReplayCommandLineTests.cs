using System.Globalization;
using OutreachFunctions.Monitoring;

namespace OutreachFunctions.Tests.Monitoring;

/// <summary>The replay command as Program.cs will start it: the app's builder made from the same arguments.</summary>
public sealed class ReplayCommandLineTests
{
    [Fact]
    public async Task The_apps_builder_accepts_the_replay_arguments_and_a_missing_storage_setting_is_named()
    {
        string[] args = ["replay", "--error-id", "validationError", "--list"];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = "Production" });
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var errors = new StringWriter(CultureInfo.InvariantCulture);

        var exit = await ReplayCommand.RunAsync(args, builder.Configuration, output, errors);

        Assert.True(ReplayCommand.IsReplay(args));
        Assert.Equal(2, exit);
        Assert.Contains("ConnectorStorage", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max", "0")]
    [InlineData("--colour", "red")]
    [InlineData("--error-id")]
    public async Task Bad_arguments_print_the_usage_and_exit_2(params string[] rest)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var errors = new StringWriter(CultureInfo.InvariantCulture);

        var exit = await ReplayCommand.RunAsync(["replay", .. rest], new ConfigurationBuilder().Build(), output, errors);

        Assert.Equal(2, exit);
        Assert.Contains("usage: OutreachFunctions replay", errors.ToString(), StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;
using Outreach.Testing;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Tests.Hosting;

public sealed class SettingsProblemsTests
{
    [Fact]
    public void Validation_and_mapping_failures_become_one_list_named_as_app_settings()
    {
        var failure = new AggregateException(
            new OptionsValidationException("Ingest", typeof(object), [
                "DataAnnotation validation failed for 'IngestAuthenticationOptions' members: 'BearerSecret' with the error: 'The setting Ingest:BearerSecret is missing.'.",
            ]),
            new InvalidMappingException(["Audience 'High intent' has mapping ID 151; Outreach has custom fields 1 to 150."]));

        Assert.Equal(
            ["The setting Ingest__BearerSecret is missing.", "Audience 'High intent' has mapping ID 151; Outreach has custom fields 1 to 150."],
            SettingsProblems.FromException(failure).Select(p => p.Problem));
    }

    [Fact]
    public void Any_other_failure_is_not_a_settings_problem()
    {
        Assert.Empty(SettingsProblems.FromException(new AggregateException(new InvalidMappingException("bad"), new InvalidOperationException("bug"))));
    }

    [Fact]
    public void Urls_in_messages_are_left_alone()
    {
        var problem = Assert.Single(SettingsProblems.FromException(new InvalidMappingException("See https://example.test:8080/x about Monitoring:QueueLagThreshold."))).Problem;

        Assert.Equal("See https://example.test:8080/x about Monitoring__QueueLagThreshold.", problem);
    }

    [Fact]
    public async Task Standalone_start_with_bad_settings_prints_every_one_and_exits_2_without_a_stack_trace()
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
        start.ArgumentList.Add("http://127.0.0.1:" + LoopbackPort.GetFree().ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["Connector__Mode"] = "Standalone";
        start.Environment["Mapping__File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json");
        start.Environment["Mapping__Audiences__0__AudienceId"] = "extra";
        start.Environment["Mapping__Audiences__0__Name"] = "High intent";
        start.Environment["Mapping__Audiences__0__MappingId"] = "151";
        start.Environment["Ingest__BearerSecret"] = "short";
        start.Environment["Tokens__KeepAliveAge"] = "00:00:30";
        start.Environment["Delivery__BatchSize"] = "0";
        start.Environment["Tokens__Store"] = "Local";
        start.Environment["Tokens__LocalStorePath"] = Path.Combine(Path.GetTempPath(), "settings-problems-" + Guid.NewGuid().ToString("N"));

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var printed = await errors + await output;

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("fix these settings", printed, StringComparison.Ordinal);
        // One list with every setting to fix, across option groups, not only the first group that fails.
        Assert.Contains("Outreach__ClientId is required", printed, StringComparison.Ordinal);
        Assert.Contains("Ingest__BearerSecret", printed, StringComparison.Ordinal);
        Assert.Contains("Tokens__KeepAliveAge", printed, StringComparison.Ordinal);
        Assert.Contains("Delivery__BatchSize", printed, StringComparison.Ordinal);
        Assert.Contains("ConnectorStorage__accountName", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", printed, StringComparison.Ordinal);
    }
}

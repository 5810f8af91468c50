using Azure.Identity;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Outreach.Connector.Monitoring;
using OutreachFunctions.Monitoring;

namespace OutreachFunctions.Tests.Monitoring;

public sealed class TelemetryRegistrationTests
{
    private const string FakeConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void Application_Insights_when_its_connection_string_is_set_the_console_otherwise()
    {
        Assert.Equal(TelemetryExporter.Console, TelemetryServiceCollectionExtensions.ChooseExporter(Settings()));
        Assert.Equal(TelemetryExporter.AzureMonitor, TelemetryServiceCollectionExtensions.ChooseExporter(Settings(("APPLICATIONINSIGHTS_CONNECTION_STRING", FakeConnectionString))));
        Assert.Equal(TelemetryExporter.None, TelemetryServiceCollectionExtensions.ChooseExporter(
            Settings(("APPLICATIONINSIGHTS_CONNECTION_STRING", FakeConnectionString), ("Monitoring:Exporter", "none"))));
        Assert.Throws<InvalidOperationException>(() => TelemetryServiceCollectionExtensions.ChooseExporter(Settings(("Monitoring:Exporter", "Datadog"))));
    }

    [Fact]
    public void Functions_mode_exports_nowhere_without_Application_Insights_unless_the_console_is_asked_for()
    {
        // The Functions host copies the handler's stdout into its own log: no console exporter there by default.
        Assert.Equal(TelemetryExporter.None, TelemetryServiceCollectionExtensions.ChooseExporter(Settings(("FUNCTIONS_CUSTOMHANDLER_PORT", "7071"))));
        Assert.Equal(TelemetryExporter.Console, TelemetryServiceCollectionExtensions.ChooseExporter(
            Settings(("FUNCTIONS_CUSTOMHANDLER_PORT", "7071"), ("Monitoring:Exporter", "Console"))));
        Assert.Equal(TelemetryExporter.AzureMonitor, TelemetryServiceCollectionExtensions.ChooseExporter(
            Settings(("Connector:Mode", "Functions"), ("APPLICATIONINSIGHTS_CONNECTION_STRING", FakeConnectionString))));
    }

    [Fact]
    public void Entra_ID_ingestion_uses_the_managed_identity_the_authentication_string_names()
    {
        Assert.IsType<ManagedIdentityCredential>(TelemetryServiceCollectionExtensions.Credential("Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555"));
        Assert.IsType<ManagedIdentityCredential>(TelemetryServiceCollectionExtensions.Credential("Authorization=AAD"));
        Assert.Null(TelemetryServiceCollectionExtensions.Credential(null));
        Assert.Null(TelemetryServiceCollectionExtensions.Credential("Authorization=None"));
    }

    [Theory]
    [InlineData("AzureMonitor")]
    [InlineData("Console")]
    public void Telemetry_listens_to_the_connectors_source_and_meter(string exporter)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddConnectorTelemetry(Settings(
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", FakeConnectionString),
            ("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555"),
            ("Monitoring:Exporter", exporter)));
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetService<ConnectorMetrics>());
        using var activity = ConnectorTelemetry.ActivitySource.StartActivity("probe");
        Assert.NotNull(activity);
    }

    [Fact]
    public void Request_url_log_lines_which_carry_the_key_query_are_filtered_out()
    {
        var services = new ServiceCollection();
        services.AddConnectorTelemetry(Settings(("Monitoring:Exporter", "None")));
        using var provider = services.BuildServiceProvider();

        var rules = provider.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.Rules;
        Assert.Contains(rules, r => r.CategoryName == "Microsoft.AspNetCore.Hosting.Diagnostics" && r.LogLevel == LogLevel.Warning);
    }
}

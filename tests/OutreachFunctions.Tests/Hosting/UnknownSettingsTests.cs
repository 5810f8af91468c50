using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Outreach.Connector.Mapping;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Tokens;
using Outreach.Testing;
using OutreachFunctions.Hosting;
using OutreachFunctions.Tests.Functions.Infrastructure;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Hosting;

// A setting under one of the connector's own sections that nothing binds is never silently ignored: a warning and a
// health reason naming the nearest known setting (it may belong to a newer version, so the app still runs). An unknown
// mapping key is a settings problem: misconfigured under the host, exit 2 in the standalone runtime.
[Collection(AzuriteCollection.Name)]
public sealed partial class UnknownSettingsTests(AzuriteFixture azurite)
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void A_misspelt_setting_is_named_with_the_nearest_known_one_in_app_setting_spelling()
    {
        var unknown = Assert.Single(UnknownSettings.Find(Settings(("Delivery:BatchSise", "10"), ("Delivery:BatchSize", "10"))));

        Assert.Equal(new UnknownKey("Delivery:BatchSise", "Delivery:BatchSize"), unknown);
        Assert.Equal(
            "The setting Delivery__BatchSise is not a setting of this version of the connector and is ignored; did you mean Delivery__BatchSize? (It may belong to a newer version.)",
            UnknownSettings.Describe(unknown));
    }

    [Fact]
    public void Nested_sections_and_every_options_class_of_a_section_are_known()
    {
        // Delivery binds DeliveryOptions (DryRun among them), BulkWriteOptions and Delivery:Claims; Ingest two classes of two projects.
        var found = UnknownSettings.Find(Settings(
            ("Delivery:Claims:LeaseDuration", "00:02:00"),
            ("Delivery:BulkWrites", "auto"),
            ("Delivery:DryRun", "true"),
            ("Ingest:MaxBodyBytes", "1024"),
            ("Ingest:BearerSecret", "x"),
            ("Monitoring:Exporter", "None"),
            ("Delivery:Claims:LeaseDurration", "00:02:00")));

        Assert.Equal([new UnknownKey("Delivery:Claims:LeaseDurration", "Delivery:Claims:LeaseDuration")], found);
    }

    [Fact]
    public async Task Every_options_class_the_apps_bind_has_a_known_section()
    {
        IServiceCollection? registered = null;
        await using (var handler = await FunctionsHandler.StartAsync(replaceServices: services => registered = services))
        {
        }

        var connectorAssemblies = new[] { typeof(ConnectorStatusService).Assembly, typeof(UnknownSettings).Assembly };
        var bound = registered!
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(Microsoft.Extensions.Options.IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(type => connectorAssemblies.Contains(type.Assembly))
            // The Service Bus sender reads the ServiceBusConnection connection, not one of the connector's sections.
            .Where(type => type != typeof(Outreach.Connector.Queueing.ServiceBus.ServiceBusSenderOptions))
            // The console formatter's options live under Logging, not a connector section.
            .Where(type => !typeof(Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions).IsAssignableFrom(type))
            .Distinct()
            .ToList();
        Assert.NotEmpty(bound);

        Assert.All(bound, type => Assert.True(UnknownSettings.OptionTypes().ContainsKey(type), $"{type.Name} is bound but UnknownSettings does not know its section"));
    }

    [Fact]
    public void Settings_outside_the_connector_sections_are_not_checked()
    {
        Assert.Empty(UnknownSettings.Find(Settings(("Logging:LogLevel:Default", "Debug"), ("ConnectorStorage:accountName", "st"), ("Sandbox:Anything", "1"))));
    }

    [Fact]
    public void Every_setting_the_docs_name_is_known()
    {
        var root = RepositoryRoot.Path;
        var files = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md")
            .Append(Path.Combine(root, "README.md"))
            .Append(Path.Combine(root, "local.settings.sample.json"))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "infra"), "*.bicep", SearchOption.AllDirectories));
        var named = files
            .SelectMany(file => DocumentedSetting().Matches(File.ReadAllText(file)).Select(m => m.Value))
            .Where(name => !name.EndsWith("__", StringComparison.Ordinal))
            // The misspelling the docs show on purpose, as the example of an unknown setting.
            .Where(name => !name.Equals("Delivery__BatchSise", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        Assert.NotEmpty(named);

        var configuration = Settings([.. named.Select(name => (name.Replace("__", ":", StringComparison.Ordinal), "x"))]);

        Assert.Empty(UnknownSettings.Find(configuration).Select(UnknownSettings.Describe));
    }

    [Fact]
    public async Task Functions_app_with_an_unknown_setting_runs_and_health_names_it()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?> { ["Delivery:BatchSise"] = "10" }, services =>
        {
            services.AddSingleton<ITokenStore>(new InMemoryTokenStore());
            services.AddSingleton<IConnectionLock>(new InProcessConnectionLock());
        });

        Assert.Empty(handler.Services.GetRequiredService<SettingsCheck>().Problems);
        var health = await handler.Services.GetRequiredService<HealthEvaluator>().EvaluateAsync(CancellationToken.None);
        var reason = Assert.Single(health.Reasons, r => r.Code == UnknownSettings.ReasonCode);
        Assert.Contains("Delivery__BatchSise", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standalone_app_with_an_unknown_setting_runs_and_health_names_it()
    {
        await using var connector = await StandaloneConnector.StartAsync(azurite, settings: new Dictionary<string, string?> { ["Tokens:KeepAliveAg"] = "7.00:00:00" });

        var health = await connector.Services.GetRequiredService<HealthEvaluator>().EvaluateAsync(CancellationToken.None);
        var reason = Assert.Single(health.Reasons, r => r.Code == UnknownSettings.ReasonCode);
        Assert.Contains("did you mean Tokens__KeepAliveAge?", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Functions_app_with_an_unknown_mapping_key_is_misconfigured_naming_it()
    {
        await using var handler = await FunctionsHandler.StartAsync(new Dictionary<string, string?> { ["Mapping:identityNamspace"] = "Oid" });

        var problems = handler.Services.GetRequiredService<SettingsCheck>().Problems;
        Assert.Contains(problems, p => p.Problem == "`Mapping__identityNamspace` is not a mapping setting; did you mean `Mapping__IdentityNamespace`?");
    }

    [Fact]
    public async Task Standalone_start_with_an_unknown_mapping_key_exits_2_naming_it()
    {
        var (exitCode, printed) = await ConnectorProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
            ["Monitoring:Exporter"] = "None",
            ["ConnectorStorage"] = "UseDevelopmentStorage=true",
            ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
            ["Mapping:identityNamspace"] = "Oid",
        });

        Assert.True(exitCode == 2, printed);
        Assert.Contains("  - `Mapping__identityNamspace` is not a mapping setting; did you mean `Mapping__IdentityNamespace`?", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\b(?:Delivery|Tokens|Outreach|Ingest|Monitoring|Drain|KeepAlive|EmailResolution)(?:__[A-Za-z][A-Za-z0-9]*)+")]
    private static partial Regex DocumentedSetting();
}

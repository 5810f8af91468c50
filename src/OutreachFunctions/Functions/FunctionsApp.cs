using System.Net;
using Outreach.Connector.Ingest;
using Outreach.Connector.Queueing;
using Outreach.Connector.Queueing.ServiceBus;
using Outreach.Connector.Storage;
using OutreachFunctions.Functions.Connect;
using OutreachFunctions.Functions.Deliver;
using OutreachFunctions.Functions.Ingest;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.EnrolmentSweep;
using OutreachFunctions.Functions.KeepAlive;
using OutreachFunctions.Functions.Misconfigured;
using OutreachFunctions.Functions.Monitoring;
using OutreachFunctions.Functions.Status;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Functions;

/// <summary>
/// Builds the app in Functions mode: the custom handler the Functions host starts and calls over HTTP on
/// <c>127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT</c> (docs/reference/functions-host.md §1, §2).
/// </summary>
/// <remarks>
/// Start-up does no network I/O before Kestrel listens: the host polls <c>GET /</c> every 25 ms and gives up after its
/// initialization timeout (30 s on Flex Consumption), so the handler answers <c>GET /</c> as soon as it listens. Settings
/// are validated at start (mapping, ingest limits, the binding settings, storage, Outreach, tokens, delivery, the Service
/// Bus sender), but a bad one never stops the handler: it listens anyway and answers every function with the settings to
/// fix (<see cref="SettingsCheck"/>, <see cref="MisconfiguredAnswers"/>), because a handler that exits takes the whole
/// function app down (docs/reference/functions-host.md §12). The services shared with the standalone runtime come from
/// <see cref="ConnectorServices.AddConnectorServices"/>; the functions are Ingest, Deliver, Connect, Callback, KeepAlive,
/// EnrolmentSweep, Status and the monitoring functions StatusPage, StatusData, Health, Replay and DryRun (docs/functions.md).
/// </remarks>
public static class FunctionsApp
{
    /// <summary>Builds the app from a configured builder.</summary>
    /// <param name="builder">The builder; its configuration must carry FUNCTIONS_CUSTOMHANDLER_PORT (0 = any free port).</param>
    /// <param name="replaceServices">Lets tests and benchmarks swap a service after the defaults are registered.</param>
    /// <exception cref="InvalidOperationException">The port setting is missing or invalid.</exception>
    public static WebApplication Build(WebApplicationBuilder builder, Action<IServiceCollection>? replaceServices = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var port = HandlerPort.Resolve(configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Only the host on the same machine calls the handler; it enforces request limits itself, and an envelope
            // is larger than the AEP body it carries (the ingest reader still enforces Ingest:MaxBodyBytes).
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
        });

        // One line per log entry, level and category on it: the host turns every stdout line into an entry of its own
        // (functions-host.md §12). Stack traces only when the log level asks for Debug.
        var stackTraces = configuration.GetValue<LogLevel?>("Logging:LogLevel:Default") is LogLevel.Debug or LogLevel.Trace;
        builder.Logging.AddConsole(console => console.FormatterName = OneLineConsoleFormatter.Name);
        builder.Logging.AddConsoleFormatter<OneLineConsoleFormatter, OneLineConsoleFormatterOptions>(options => options.StackTraces |= stackTraces);
        // Ingest's summary ("AEP export: n accepted, …") is the invocation's Logs line under the host; printed as well, it
        // would be the same event twice in the host's log. Its warnings still print.
        builder.Logging.AddFilter(typeof(IngestService).FullName, LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton<FunctionRunner>();
        // The storage connection is read when its clients are first built; checked here, it is one more setting to fix.
        var registrationProblems = new List<SettingsProblem>();
        if (ConnectorStorage.MissingSetting(configuration) is { } missingStorage)
        {
            registrationProblems.Add(SettingsProblems.FromMessage(missingStorage));
        }

        try
        {
            Register(services, configuration);
        }
        catch (InvalidOperationException ex)
        {
            // A setting read while registering (e.g. Monitoring__Exporter); the handler still starts, misconfigured.
            registrationProblems.Add(SettingsProblems.FromMessage(ex.Message));
        }

        replaceServices?.Invoke(services);
        var settings = SettingsCheck.TakeOver(services, registrationProblems, ConnectorMode.Functions);
        var app = builder.Build();
        settings.Run(app.Services);
        UnknownSettings.LogAtStart(app.Services);
        // Routing first, so the settings check knows which function an invocation is for before its services are built.
        app.UseRouting();
        app.UseMisconfiguredAnswers();
        app.MapGet("/", () => Results.Text("Outreach connector (Azure Functions custom handler)"));
        app.MapIngestFunction();
        app.MapDeliverFunction();
        app.MapConnectFunction();
        app.MapCallbackFunction();
        app.MapKeepAliveFunction();
        app.MapEnrolmentSweepFunction();
        app.MapStatusFunction();
        app.MapMonitoringFunctions();
        return app;
    }

    private static void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddFunctionsDeliveryDefaults(configuration);
        services.AddConnectorServices(configuration);

        // One ServiceBusClient and sender for the update queue (the app's identity, or the emulator's connection
        // string locally): Ingest sends the accepted updates, Deliver its scheduled copies (the receive adapter), Replay
        // the replayed updates. Its settings are checked at start; nothing connects before the first send.
        services.AddServiceBusSender(configuration, validateOnStart: true);
        services.AddServiceBusReceiving();
        services.AddSingleton<ServiceBusBatchDelivery>();

        // Two queues over the one sender, each its own type rather than IUpdateQueue so neither is picked up by
        // accident: Ingest's (content-derived message ids, deduplicated by the queue) and Replay's (fresh ids).
        services.AddSingleton<ServiceBusIngestQueue>();
        services.AddTransient<ServiceBusUpdateQueue>();
        services.AddTransient(sp => new ReplayQueue(sp.GetRequiredService<ServiceBusUpdateQueue>()));
    }
}

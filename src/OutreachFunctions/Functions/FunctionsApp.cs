using System.Net;
using Microsoft.Extensions.Options;
using Outreach.Connector.Ingest;
using Outreach.Connector.Mapping;
using Outreach.Connector.Queueing;
using OutreachFunctions.Functions.Ingest;

namespace OutreachFunctions.Functions;

/// <summary>
/// Builds the app in Functions mode: the custom handler the Functions host starts and calls over HTTP on
/// <c>127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT</c> (azure-functions.md §1, §2).
/// </summary>
/// <remarks>
/// Start-up does no network I/O before Kestrel listens: the host polls <c>GET /</c> every 25 ms and gives up after its
/// initialization timeout (30 s on Flex Consumption), so the handler answers <c>GET /</c> as soon as it listens. Settings
/// are validated at start (mapping, ingest limits, the binding settings) and a bad one stops the process with a
/// message naming it; the host logs the handler's output.
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

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddAepIngestTranslation(configuration);
        services.AddSingleton<IngestService>();
        services.AddOptions<FunctionsSettings>()
            .Configure(settings => FunctionsSettings.Bind(configuration, settings))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FunctionsSettings>, FunctionsSettingsValidator>();

        // Registered for the functions that re-enqueue (Deliver); validated when first used, because locally the
        // emulator's connection string is enough for the bindings but not for the REST API.
        services.AddServiceBusRestSender(configuration);

        replaceServices?.Invoke(services);
        var app = builder.Build();
        app.MapGet("/", () => Results.Text("Outreach connector (Azure Functions custom handler)"));
        app.MapIngestFunction();
        return app;
    }
}

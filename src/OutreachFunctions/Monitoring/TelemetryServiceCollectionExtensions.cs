using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Outreach.Connector.Monitoring;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Monitoring;

/// <summary>Where telemetry goes.</summary>
public enum TelemetryExporter
{
    /// <summary>
    /// Nowhere (the connector still counts in Table storage): <c>Monitoring:Exporter=None</c>. Spans are still created, so
    /// the trace context still travels with each queued update and into the log scopes.
    /// </summary>
    None,

    /// <summary>Traces and metrics to standard output; logs stay with the app's console logger.</summary>
    Console,

    /// <summary>Traces, metrics and logs to Application Insights (Azure Monitor exporter).</summary>
    AzureMonitor,
}

/// <summary>Registers OpenTelemetry for the connector: traces, metrics and logs, to Application Insights or the console.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The app setting with Application Insights' connection string (set by infra).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The app setting that makes the exporter authenticate with Entra ID: <c>Authorization=AAD;ClientId=…</c> (set by infra).</summary>
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The service name telemetry carries (cloud role name in Application Insights).</summary>
    public const string ServiceName = "outreach-connector";

    /// <summary>
    /// Adds OpenTelemetry tracing (the connector's source, ASP.NET Core, HttpClient), metrics (the connector's meter, ASP.NET
    /// Core, HttpClient) and logs, exported to Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set,
    /// to the console otherwise (standalone; nowhere in Functions mode); <c>Monitoring:Exporter</c> (None, Console, AzureMonitor) overrides the choice. Also registers
    /// <see cref="ConnectorMetrics"/>, and keeps ASP.NET Core's per-request URL log lines (which would carry <c>?key=</c>) out of
    /// the logs. Call once per host.
    /// </summary>
    public static IServiceCollection AddConnectorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddConnectorMetrics();

        // ASP.NET Core logs each request's URL with its query string at Information, and browser links carry the
        // connector's secret as ?key= (connect, status page): keep those lines out of every log sink.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        var exporter = ChooseExporter(configuration);

        var connectionString = configuration[ConnectionStringSetting];
        var credential = exporter == TelemetryExporter.AzureMonitor ? Credential(configuration[AuthenticationSetting]) : null;
        void Configure(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = connectionString;
            options.Credential = credential;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(ConnectorTelemetry.Name, "Microsoft.AspNetCore", "System.Net.Http");
                if (exporter == TelemetryExporter.AzureMonitor)
                {
                    tracing.AddAzureMonitorTraceExporter(Configure);
                }
                else if (exporter == TelemetryExporter.Console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ConnectorTelemetry.Name, "Microsoft.AspNetCore.Hosting", "System.Net.Http");
                if (exporter == TelemetryExporter.AzureMonitor)
                {
                    metrics.AddAzureMonitorMetricExporter(Configure);
                }
                else if (exporter == TelemetryExporter.Console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        if (exporter == TelemetryExporter.AzureMonitor)
        {
            // Logs keep their structure (prospect ids as custom dimensions); the log messages themselves never hold values.
            telemetry.WithLogging(logging => logging.AddAzureMonitorLogExporter(Configure), options => options.IncludeFormattedMessage = true);
        }

        return services;
    }

    /// <summary>The exporter the settings ask for.</summary>
    public static TelemetryExporter ChooseExporter(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Monitoring:Exporter"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Enum.TryParse<TelemetryExporter>(configured, ignoreCase: true, out var chosen)
                ? chosen
                : throw new InvalidOperationException($"Monitoring:Exporter must be one of None, Console, AzureMonitor, not '{configured}'.");
        }

        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            return TelemetryExporter.AzureMonitor;
        }

        // Under the Functions host every stdout line is copied into the host's log (and each invocation's): a console
        // exporter there drowns the handler's own lines, so it is only used when asked for (Monitoring__Exporter=Console).
        return ConnectorModeSelection.Resolve(configuration) == ConnectorMode.Functions ? TelemetryExporter.None : TelemetryExporter.Console;
    }

    /// <summary>
    /// The credential for Entra ID ingestion: the managed identity named by <c>ClientId=</c> in the authentication string
    /// (infra sets <c>Authorization=AAD;ClientId=…</c>), none when the string is absent (local authentication).
    /// </summary>
    public static TokenCredential? Credential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrWhiteSpace(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}

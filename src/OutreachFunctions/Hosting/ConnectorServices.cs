using Azure.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Outreach.Connector.Delivery;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Ingest;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;
using Outreach.Connector.Storage;

using Outreach.Connector.Monitoring;
using OutreachFunctions.Monitoring;

namespace OutreachFunctions.Hosting;

/// <summary>
/// What the standalone runtime and the Functions app share: the clock, the connector's storage, ingest, the Outreach
/// client with its tokens, the delivery engine, connecting Outreach and the status report. Each app adds its own
/// transport (Storage queue and drainer, or the Functions host's envelopes) on top.
/// </summary>
/// <remarks>
/// Nothing here touches the network while registering or validating: clients are created on first use and tables
/// and containers on first write, so the Functions handler listens within its initialization timeout.
/// </remarks>
public static class ConnectorServices
{
    /// <summary>The setting naming the app's user-assigned managed identity (set by infra on the function app).</summary>
    public const string ManagedIdentityClientIdSetting = "AZURE_CLIENT_ID";

    /// <summary>Registers the shared services from configuration.</summary>
    public static IServiceCollection AddConnectorServices(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddSingleton(TimeProvider.System);

        // One Entra ID credential for Key Vault (token store) and the Service Bus client. In Azure the app runs
        // as a user-assigned identity, which DefaultAzureCredential only uses when told its client id; registered
        // before AddOutreachClient so its DefaultAzureCredential fallback is not used.
        services.TryAddSingleton<TokenCredential>(_ => ConnectorStorage.Credential(ManagedIdentityClientId(configuration)));

        // One storage account for everything the connector keeps: delivery state, the token lock, OAuth states, the
        // standalone queue and undecodable messages. Created on first use; a missing setting fails then, or at start
        // where the app validates it (Functions mode).
        services.AddSingleton(_ => ConnectorStorage.FromConfiguration(configuration));
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Tables);
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Blobs);
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Queues);

        services.AddAepIngestTranslation(configuration);
        services.AddSingleton<IngestService>();
        services.AddSingleton<IngestRequestCheck>();

        services.AddOutreachClient(configuration);
        services.AddDeliveryEngine(sp => sp.GetRequiredService<ConnectorStorage>().Tables);
        services.AddEmailResolution(configuration);
        services.AddSingleton<StatusReport>();

        // Settings under the connector's sections that nothing binds: a warning at start and a health reason.
        services.AddSingleton(UnknownSettings.Warnings(configuration));

        // Telemetry (Application Insights when configured, else the console) and monitoring (run reports, activation
        // view, health, replay, dry run); monitoring wraps the Outreach client in dry-run mode, so it comes last.
        services.AddConnectorTelemetry(configuration);
        services.AddConnectorMonitoring(configuration);
        return services;
    }

    /// <summary>
    /// The client id of the app's user-assigned identity: <c>AZURE_CLIENT_ID</c>, else the one the connector's storage
    /// connection names (<c>ConnectorStorage__clientId</c>); null for a system identity or a developer's login.
    /// </summary>
    public static string? ManagedIdentityClientId(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var clientId = configuration[ManagedIdentityClientIdSetting];
        if (string.IsNullOrWhiteSpace(clientId))
        {
            clientId = configuration[ConnectorStorage.ConnectionName + ":clientId"];
        }

        return string.IsNullOrWhiteSpace(clientId) ? null : clientId;
    }
}

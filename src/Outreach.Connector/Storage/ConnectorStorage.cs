using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Outreach.Connector.Storage;

/// <summary>
/// Clients for the connector's own storage account (tables for state, blobs for leases, queues for the standalone
/// queue), created once from the <c>ConnectorStorage</c> connection setting.
/// </summary>
/// <remarks>
/// The setting follows the Functions convention for connections: in Azure it is identity-based
/// (<c>ConnectorStorage__accountName</c>, optionally <c>__credential=managedidentity</c> and <c>__clientId</c>), so no
/// key exists anywhere; locally it is a connection string (<c>UseDevelopmentStorage=true</c> or Azurite's).
/// </remarks>
public sealed class ConnectorStorage
{
    /// <summary>The name of the connection setting.</summary>
    public const string ConnectionName = "ConnectorStorage";

    private ConnectorStorage(TableServiceClient tables, BlobServiceClient blobs, QueueServiceClient queues)
    {
        Tables = tables;
        Blobs = blobs;
        Queues = queues;
    }

    /// <summary>The table service (state: budget, field versions, ledger, counters, OAuth state).</summary>
    public TableServiceClient Tables { get; }

    /// <summary>The blob service (lease blobs used as distributed locks).</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>The queue service (the standalone runtime's update queue).</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Clients for a storage connection string (Azurite or a development account).</summary>
    public static ConnectorStorage FromConnectionString(string connectionString) =>
        new(new TableServiceClient(connectionString), new BlobServiceClient(connectionString), new QueueServiceClient(connectionString));

    /// <summary>Clients for an account reached with an Entra ID credential (managed identity in Azure).</summary>
    public static ConnectorStorage FromAccount(string accountName, TokenCredential credential, string endpointSuffix = "core.windows.net") =>
        new(
            new TableServiceClient(new Uri($"https://{accountName}.table.{endpointSuffix}"), credential),
            new BlobServiceClient(new Uri($"https://{accountName}.blob.{endpointSuffix}"), credential),
            new QueueServiceClient(new Uri($"https://{accountName}.queue.{endpointSuffix}"), credential));

    /// <summary>Creates the clients from configuration.</summary>
    /// <exception cref="InvalidOperationException">Neither form of the setting is present; the message names it.</exception>
    public static ConnectorStorage FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[ConnectionName];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return FromConnectionString(connectionString);
        }

        if (MissingSetting(configuration) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        var section = configuration.GetSection(ConnectionName);
        return FromAccount(section["accountName"]!, Credential(section["clientId"]));
    }

    /// <summary>What to set when neither form of the setting is present; null when one is.</summary>
    public static string? MissingSetting(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.IsNullOrWhiteSpace(configuration[ConnectionName]) && string.IsNullOrWhiteSpace(configuration[ConnectionName + ":accountName"])
            ? $"The setting '{ConnectionName}' is missing: set {ConnectionName}__accountName (with a managed identity) in Azure, " +
              $"or {ConnectionName} to a storage connection string such as UseDevelopmentStorage=true locally."
            : null;
    }

    /// <summary>The Entra ID credential for identity-based connections: the app's user-assigned identity when named.</summary>
    public static TokenCredential Credential(string? managedIdentityClientId) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(managedIdentityClientId) ? null : managedIdentityClientId,
        });
}

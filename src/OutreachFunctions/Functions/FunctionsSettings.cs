using Outreach.Connector.Storage;

namespace OutreachFunctions.Functions;

/// <summary>
/// The connector's storage connection as the handler checks it at start, so a missing one answers every function with
/// the setting to fix instead of failing on the first invocation. The Service Bus connection and queue, which the
/// host's trigger reads too, are checked once, with the sender's options (<c>ServiceBusSenderOptions</c>).
/// </summary>
public sealed class FunctionsSettings
{
    /// <summary>The connector's storage connection string (<c>ConnectorStorage</c>), used locally with Azurite.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>The connector's storage account (<c>ConnectorStorage__accountName</c>), used in Azure with the managed identity.</summary>
    public string? StorageAccountName { get; set; }

    /// <summary>Reads the settings from configuration.</summary>
    public static void Bind(IConfiguration configuration, FunctionsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);
        settings.StorageConnectionString = configuration[ConnectorStorage.ConnectionName];
        settings.StorageAccountName = configuration[ConnectorStorage.ConnectionName + ":accountName"];
    }
}

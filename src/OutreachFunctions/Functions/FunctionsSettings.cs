namespace OutreachFunctions.Functions;

/// <summary>
/// The settings the host's bindings read that the handler checks at start as well, so a missing one stops the app with
/// a message naming it instead of failing on the first invocation.
/// </summary>
public sealed class FunctionsSettings
{
    /// <summary>The connection the Service Bus bindings use (function.json <c>"connection"</c>).</summary>
    public const string ServiceBusConnectionName = "ServiceBusConnection";

    /// <summary>The queue of prospect updates (<c>Delivery__QueueName</c>; function.json <c>%Delivery:QueueName%</c>).</summary>
    public string? QueueName { get; set; }

    /// <summary>The Service Bus namespace host name (<c>ServiceBusConnection__fullyQualifiedNamespace</c>), used in Azure.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>A Service Bus connection string (<c>ServiceBusConnection</c>), used locally with the emulator.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The connector's storage connection string (<c>ConnectorStorage</c>), used locally with Azurite.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>The connector's storage account (<c>ConnectorStorage__accountName</c>), used in Azure with the managed identity.</summary>
    public string? StorageAccountName { get; set; }

    /// <summary>Reads the settings from configuration.</summary>
    public static void Bind(IConfiguration configuration, FunctionsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);
        settings.QueueName = configuration["Delivery:QueueName"];
        settings.FullyQualifiedNamespace = configuration[ServiceBusConnectionName + ":fullyQualifiedNamespace"];
        settings.ConnectionString = configuration[ServiceBusConnectionName];
        settings.StorageConnectionString = configuration["ConnectorStorage"];
        settings.StorageAccountName = configuration["ConnectorStorage:accountName"];
    }
}

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>Where <see cref="ServiceBusMessageSender"/> sends: the update queue, reached with the app's identity or a connection string.</summary>
/// <remarks>
/// Bound from the same settings the Functions host's Service Bus trigger uses (see <see cref="Bind"/>), so the app has
/// one namespace setting: in Azure <c>ServiceBusConnection__fullyQualifiedNamespace</c> with the app's user-assigned
/// identity (<c>AZURE_CLIENT_ID</c>, else <c>ServiceBusConnection__clientId</c>), which needs the role Azure Service Bus
/// Data Sender; locally <c>ServiceBusConnection</c> holding the emulator's connection string
/// (<c>…;UseDevelopmentEmulator=true;</c>). The queue is <c>Delivery__QueueName</c>.
/// </remarks>
public sealed class ServiceBusSenderOptions
{
    /// <summary>The connection setting shared with the host's trigger.</summary>
    public const string ConnectionName = "ServiceBusConnection";

    /// <summary>The setting that names the namespace (identity-based connection), as configuration reads it.</summary>
    public const string FullyQualifiedNamespaceKey = ConnectionName + ":fullyQualifiedNamespace";

    /// <summary>The namespace host name, e.g. <c>sb-outreach.servicebus.windows.net</c>; used when set.</summary>
    public string FullyQualifiedNamespace { get; set; } = "";

    /// <summary>A connection string (the local emulator's); used only when no namespace is set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The queue the messages go to.</summary>
    public string QueueName { get; set; } = "";

    /// <summary>The client id of the user-assigned managed identity; null for the system identity or a developer login.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// How long one attempt of a send may take. Ingest answers AEP within 2 s at best, so attempts are short: a send that
    /// fails is answered 503 and AEP's retry is deduplicated by message id.
    /// </summary>
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the client retries a transient failure itself before the send is reported failed.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>True when the namespace is set: the client authenticates with Entra ID, not a connection string.</summary>
    public bool UsesIdentity => !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);

    /// <summary>
    /// Reads <c>ServiceBusConnection:fullyQualifiedNamespace</c>, <c>ServiceBusConnection</c> (a connection string),
    /// <c>ServiceBusConnection:clientId</c> and <c>Delivery:QueueName</c>.
    /// </summary>
    public static void Bind(Microsoft.Extensions.Configuration.IConfiguration configuration, ServiceBusSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        options.FullyQualifiedNamespace = configuration[FullyQualifiedNamespaceKey] ?? options.FullyQualifiedNamespace;
        options.ConnectionString = configuration[ConnectionName] ?? options.ConnectionString;
        options.ManagedIdentityClientId = configuration[ConnectionName + ":clientId"] ?? options.ManagedIdentityClientId;
        options.QueueName = configuration["Delivery:QueueName"] ?? options.QueueName;
    }
}

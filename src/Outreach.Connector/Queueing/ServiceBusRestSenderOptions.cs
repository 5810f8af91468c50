namespace Outreach.Connector.Queueing;

/// <summary>
/// Where <see cref="ServiceBusRestSender"/> sends: a Service Bus queue reached over HTTPS with an Entra ID token.
/// </summary>
/// <remarks>
/// Bound from the same settings the Functions host's Service Bus bindings use (see <see cref="Bind"/>), so the app has
/// one namespace setting: <c>ServiceBusConnection__fullyQualifiedNamespace</c>, <c>ServiceBusConnection__clientId</c>
/// (the user-assigned identity) and <c>Delivery__QueueName</c>. The identity needs the role Azure Service Bus Data
/// Sender. The local emulator has no HTTP API (docs/reference/functions-host.md §7), so this sender needs a real namespace.
/// </remarks>
public sealed class ServiceBusRestSenderOptions
{
    /// <summary>The token scope for Service Bus data operations.</summary>
    public const string Scope = "https://servicebus.azure.net/.default";

    /// <summary>The connection setting shared with the host's bindings.</summary>
    public const string ConnectionName = "ServiceBusConnection";

    /// <summary>The namespace host name, e.g. <c>sb-outreach.servicebus.windows.net</c>.</summary>
    public string FullyQualifiedNamespace { get; set; } = "";

    /// <summary>The queue (or topic) the messages go to.</summary>
    public string QueueName { get; set; } = "";

    /// <summary>The client id of the user-assigned managed identity; null for the system identity or a developer login.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Replaces <c>https://{FullyQualifiedNamespace}/</c> as the base of request URLs; for tests against a loopback fake
    /// (<c>http://127.0.0.1:port/</c>). Not bound from configuration.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>How long one HTTP request may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long before a token expires it is replaced (when the token does not say when to refresh).</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The URL messages are POSTed to: <c>{base}/{queue}/messages</c>.</summary>
    public Uri MessagesUri
    {
        get
        {
            var root = BaseAddress ?? new Uri("https://" + FullyQualifiedNamespace + "/");
            var path = string.Join('/', QueueName.Split('/').Select(Uri.EscapeDataString));
            return new Uri(root, path + "/messages");
        }
    }

    /// <summary>Reads the settings: <c>ServiceBusConnection:fullyQualifiedNamespace</c>, <c>ServiceBusConnection:clientId</c>, <c>Delivery:QueueName</c>.</summary>
    public static void Bind(Microsoft.Extensions.Configuration.IConfiguration configuration, ServiceBusRestSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        options.FullyQualifiedNamespace = configuration[ConnectionName + ":fullyQualifiedNamespace"] ?? options.FullyQualifiedNamespace;
        options.ManagedIdentityClientId = configuration[ConnectionName + ":clientId"] ?? options.ManagedIdentityClientId;
        options.QueueName = configuration["Delivery:QueueName"] ?? options.QueueName;
    }
}

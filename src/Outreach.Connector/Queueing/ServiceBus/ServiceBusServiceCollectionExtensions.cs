using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Storage;

namespace Outreach.Connector.Queueing.ServiceBus;

/// <summary>Registers the app's one <see cref="ServiceBusClient"/>, its sender for the update queue and <see cref="IServiceBusMessageSender"/>.</summary>
public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// Registers, as singletons, a <see cref="ServiceBusClient"/> (Entra ID with the app's <c>TokenCredential</c> when
    /// <c>ServiceBusConnection__fullyQualifiedNamespace</c> is set, else the <c>ServiceBusConnection</c> connection
    /// string), the <see cref="ServiceBusSender"/> for <c>Delivery__QueueName</c> and <see cref="ServiceBusMessageSender"/>,
    /// with the options bound by <see cref="ServiceBusSenderOptions.Bind"/>. Nothing connects until the first send. The
    /// options are validated when the client is first resolved, or at start when <paramref name="validateOnStart"/>.
    /// A client or sender registered before (tests: a mock) is kept.
    /// </summary>
    public static IServiceCollection AddServiceBusSender(this IServiceCollection services, IConfiguration configuration, bool validateOnStart = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ServiceBusSenderOptions>().Configure(o => ServiceBusSenderOptions.Bind(configuration, o));
        if (validateOnStart)
        {
            options.ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusSenderOptions>, ServiceBusSenderOptionsValidator>());
        services.TryAddSingleton(CreateClient);
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceBusClient>()
            .CreateSender(sp.GetRequiredService<IOptions<ServiceBusSenderOptions>>().Value.QueueName));
        services.TryAddSingleton<IServiceBusMessageSender, ServiceBusMessageSender>();
        return services;
    }

    /// <summary>
    /// Registers the receive side of a Service Bus trigger: <see cref="ServiceBusSettler"/> (scheduled copies through
    /// <see cref="IServiceBusMessageSender"/>, see <see cref="AddServiceBusSender"/>), the
    /// <see cref="UndecodableMessageArchive"/> (it needs a <c>BlobServiceClient</c>) and the <see cref="ReceivedBatchProcessor"/>.
    /// </summary>
    public static IServiceCollection AddServiceBusReceiving(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<UndecodableMessageArchive>();
        services.TryAddSingleton<ServiceBusSettler>();
        return services.AddReceivedBatchProcessor();
    }

    private static ServiceBusClient CreateClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ServiceBusSenderOptions>>().Value;
        var clientOptions = new ServiceBusClientOptions
        {
            Identifier = "outreach-connector",
            RetryOptions = new ServiceBusRetryOptions
            {
                Mode = ServiceBusRetryMode.Exponential,
                MaxRetries = options.MaxRetries,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(2),
                TryTimeout = options.TryTimeout,
            },
        };
        if (!options.UsesIdentity)
        {
            return new ServiceBusClient(options.ConnectionString, clientOptions);
        }

        // The app's credential (DefaultAzureCredential with AZURE_CLIENT_ID, registered by the app), else one for the
        // identity the Service Bus connection names.
        var credential = services.GetService<TokenCredential>() ?? ConnectorStorage.Credential(options.ManagedIdentityClientId);
        return new ServiceBusClient(options.FullyQualifiedNamespace, credential, clientOptions);
    }
}

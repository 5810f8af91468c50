using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Storage;

namespace Outreach.Connector.Queueing;

/// <summary>Registers <see cref="ServiceBusRestSender"/> and its options.</summary>
public static class ServiceBusRestServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sender (a typed HttpClient), a shared <see cref="ServiceBusTokenProvider"/> and the options bound by
    /// <see cref="ServiceBusRestSenderOptions.Bind"/>. The options are validated when the sender is first used, or at
    /// start when <paramref name="validateOnStart"/>. The credential is the app's <c>TokenCredential</c> if one is
    /// registered, else the managed identity named by <c>ServiceBusConnection__clientId</c> (DefaultAzureCredential).
    /// </summary>
    public static IServiceCollection AddServiceBusRestSender(this IServiceCollection services, IConfiguration configuration, bool validateOnStart = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ServiceBusRestSenderOptions>().Configure(o => ServiceBusRestSenderOptions.Bind(configuration, o));
        if (validateOnStart)
        {
            options.ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusRestSenderOptions>, ServiceBusRestSenderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ServiceBusTokenProvider(
            sp.GetService<Azure.Core.TokenCredential>()
                ?? ConnectorStorage.Credential(sp.GetRequiredService<IOptions<ServiceBusRestSenderOptions>>().Value.ManagedIdentityClientId),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ServiceBusRestSenderOptions>>()));
        services.AddHttpClient<ServiceBusRestSender>((sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<ServiceBusRestSenderOptions>>().Value.RequestTimeout);
        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Outreach;

/// <summary>Registers the Outreach API client, the OAuth client and (through them) the token lifecycle.</summary>
public static class OutreachServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one Outreach HTTP pipeline (<see cref="OutreachPipeline"/>), <see cref="IOutreachProspectClient"/>, <see cref="IOutreachOAuthClient"/>,
    /// <see cref="OutreachOptions"/> from the <c>Outreach</c> section (validated at start), and everything
    /// <see cref="TokenServiceCollectionExtensions.AddOutreachTokens"/> registers.
    /// </summary>
    /// <remarks>
    /// The app must also register a <c>BlobServiceClient</c> and a <c>TableServiceClient</c> for its storage account
    /// (the refresh lock and the OAuth state live there); see <see cref="TokenServiceCollectionExtensions.AddOutreachTokens"/>.
    /// </remarks>
    public static IServiceCollection AddOutreachClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(OutreachClientMarker)))
        {
            return services;
        }

        services.AddSingleton<OutreachClientMarker>();
        services.AddOptions<OutreachOptions>().Bind(configuration.GetSection(OutreachOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutreachOptions>, OutreachOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The one HTTP pipeline of every Outreach API request; the clients below all send through its OutreachApiSender.
        services.AddOutreachPipeline(CreateHandler);
        services.TryAddTransient<OutreachProspectClient>();

        // Tried, so a client registered before (the dry run's, a test's) stays whatever the order of registration.
        services.TryAddTransient<IOutreachProspectClient>(sp => sp.GetRequiredService<OutreachProspectClient>());
        services.TryAddTransient<IOutreachProspectCreator>(sp => sp.GetRequiredService<OutreachProspectClient>());

        services.AddOutreachBulkClients(configuration);

        services.AddHttpClient(OutreachOAuthClient.HttpClientName, (sp, http) =>
                http.Timeout = sp.GetRequiredService<IOptions<OutreachOptions>>().Value.RequestTimeout)
            .ConfigurePrimaryHttpMessageHandler(CreateHandler);
        services.TryAddSingleton<IOutreachOAuthClient, OutreachOAuthClient>();

        services.AddOutreachTokens(configuration);
        return services;
    }

    // Redirects are not followed: a bearer token or client secret must never be replayed to another host.
    private static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };

    private sealed class OutreachClientMarker;
}

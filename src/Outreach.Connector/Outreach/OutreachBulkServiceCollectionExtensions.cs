using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Outreach;

/// <summary>Registers the collection reader, the email lookup and the bulk-modify client with their settings.</summary>
public static class OutreachBulkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IOutreachProspectReader"/>, <see cref="IOutreachEmailLookup"/> and <see cref="IOutreachBulkClient"/>
    /// (typed <see cref="HttpClient"/>s like the PATCH client's) and <see cref="OutreachBulkOptions"/>, validated at start.
    /// Called by <see cref="OutreachServiceCollectionExtensions.AddOutreachClient"/>.
    /// </summary>
    public static IServiceCollection AddOutreachBulkClients(this IServiceCollection services, IConfiguration configuration, Func<SocketsHttpHandler> handler)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OutreachBulkOptions>().Bind(configuration.GetSection(OutreachBulkOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutreachBulkOptions>, BulkOptionsValidator>());
        services.AddHttpClient<IOutreachProspectReader, OutreachProspectReader>(Configure).ConfigurePrimaryHttpMessageHandler(handler);
        services.AddHttpClient<IOutreachEmailLookup, OutreachEmailLookup>(Configure).ConfigurePrimaryHttpMessageHandler(handler);
        services.AddHttpClient<IOutreachBulkClient, OutreachBulkClient>(Configure).ConfigurePrimaryHttpMessageHandler(handler);
        return services;
    }

    private static void Configure(IServiceProvider services, HttpClient http)
    {
        var options = services.GetRequiredService<IOptions<OutreachOptions>>().Value;
        http.BaseAddress = options.NormalizedApiBaseUrl;
        http.Timeout = options.RequestTimeout;
    }

    private sealed class BulkOptionsValidator : IValidateOptions<OutreachBulkOptions>
    {
        public ValidateOptionsResult Validate(string? name, OutreachBulkOptions options) =>
            options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

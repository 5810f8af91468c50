using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Outreach;

/// <summary>Registers the collection reader, the email lookup and the bulk-modify client with their settings.</summary>
public static class OutreachBulkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IOutreachProspectReader"/>, <see cref="IOutreachEmailLookup"/> and <see cref="IOutreachBulkClient"/>,
    /// <see cref="IOutreachImportClient"/> (sending through the one pipeline's <see cref="OutreachApiSender"/>, like the PATCH client) and
    /// <see cref="OutreachBulkOptions"/>, validated at start. Called by <see cref="OutreachServiceCollectionExtensions.AddOutreachClient"/>.
    /// </summary>
    /// <remarks>Transient: the reader's halved list length lasts for one instance's lifetime, as it did for a typed client.</remarks>
    public static IServiceCollection AddOutreachBulkClients(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OutreachBulkOptions>().Bind(configuration.GetSection(OutreachBulkOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutreachBulkOptions>, BulkOptionsValidator>());
        services.TryAddTransient<IOutreachProspectReader, OutreachProspectReader>();
        services.TryAddTransient<IOutreachEmailLookup, OutreachEmailLookup>();
        services.TryAddTransient<IOutreachBulkClient, OutreachBulkClient>();
        services.TryAddTransient<IOutreachImportClient, OutreachImportClient>();
        return services;
    }

    private sealed class BulkOptionsValidator : IValidateOptions<OutreachBulkOptions>
    {
        public ValidateOptionsResult Validate(string? name, OutreachBulkOptions options) =>
            options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

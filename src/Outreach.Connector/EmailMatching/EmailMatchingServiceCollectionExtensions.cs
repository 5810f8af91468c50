using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.EmailMatching;

/// <summary>Registers email → prospect resolution at delivery.</summary>
public static class EmailMatchingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the email hasher, the Table-storage cache, the resolver and delivery's email resolution step, with
    /// <see cref="EmailResolutionOptions"/> bound to the <c>EmailResolution</c> section and validated at start. Needs the
    /// delivery engine's registrations, the Outreach client's email lookup and a <see cref="Azure.Data.Tables.TableServiceClient"/>.
    /// </summary>
    public static IServiceCollection AddEmailResolution(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EmailResolutionOptions>().Bind(configuration.GetSection(EmailResolutionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmailResolutionOptions>, EmailResolutionOptionsValidator>());
        services.TryAddSingleton<EmailHasher>();
        services.TryAddSingleton<EmailProspectCache>();
        services.TryAddSingleton<EmailResolver>();
        services.TryAddSingleton<EmailResolutionStep>();
        return services;
    }
}

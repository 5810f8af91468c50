using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.DryRun;

/// <summary>Registers the dry run.</summary>
public static class DryRunServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DryRunOptions"/> from the <c>Delivery</c> section and, when <c>Delivery:DryRun</c> is true, replaces
    /// the registered <see cref="IOutreachProspectClient"/> and <see cref="IOutreachProspectCreator"/> with <see cref="DryRunProspectClient"/>.
    /// </summary>
    /// <remarks>
    /// Works before or after <c>AddOutreachClient</c>: that one adds the real client only when none is registered.
    /// </remarks>
    public static IServiceCollection AddDeliveryDryRun(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DryRunOptions>().Bind(configuration.GetSection(DeliveryOptions.SectionName));
        if (!configuration.GetSection(DeliveryOptions.SectionName).GetValue<bool>(nameof(DryRunOptions.DryRun)))
        {
            return services;
        }

        services.RemoveAll<IOutreachProspectClient>();
        services.RemoveAll<IOutreachProspectCreator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DryRunProspectClient(
            sp.GetRequiredService<DeliveryTables>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<CompiledMapping>()));
        services.AddSingleton<IOutreachProspectClient>(sp => sp.GetRequiredService<DryRunProspectClient>());
        services.AddSingleton<IOutreachProspectCreator>(sp => sp.GetRequiredService<DryRunProspectClient>());
        return services;
    }
}

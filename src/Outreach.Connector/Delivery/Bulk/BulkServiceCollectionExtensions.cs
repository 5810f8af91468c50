using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Bulk;

/// <summary>Registers the bulk pass and its state (one set per process, as the engine is).</summary>
public static class BulkServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BulkPass"/> with <see cref="BulkWriteOptions"/> bound to the <c>Delivery</c> section and validated
    /// at start, sending through <see cref="OutreachBulkPathClient"/> (the Outreach clients registered by
    /// <c>AddOutreachClient</c>) unless another <see cref="IBulkOutreachClient"/> is registered first.
    /// </summary>
    public static IServiceCollection AddBulkWrites(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BulkWriteOptions>().BindConfiguration(BulkWriteOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulkWriteOptions>, BulkWriteOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InFlightBulkWrites>();
        services.TryAddSingleton<BulkCallCost>();
        services.TryAddSingleton<BulkWriteAvailability>();
        services.TryAddSingleton<IBulkOutreachClient, OutreachBulkPathClient>();
        services.TryAddSingleton<SharedChangeWriter>();
        services.TryAddSingleton<BulkPass>();
        return services;
    }
}

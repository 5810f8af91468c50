using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>Registers the receive side shared by every queue transport.</summary>
public static class ReceivingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ReceivedBatchProcessor"/> as a singleton. It needs the delivery engine and email resolution
    /// (<c>AddDeliveryEngine</c>, <c>AddEmailResolution</c>), resolved on first use, so the order of calls does not matter.
    /// </summary>
    public static IServiceCollection AddReceivedBatchProcessor(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReceivedBatchProcessor>();
        return services;
    }
}

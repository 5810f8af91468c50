using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Outreach.Connector.Delivery.Operations.CreateProspects;

/// <summary>Registers the operation that creates the prospect an email names (mapping <c>createProspects</c>).</summary>
public static class CreateProspectsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="CreateProspectsOperation"/> and its claims table. Register it before the operations that write
    /// existing prospects. It needs the <see cref="Outreach.IOutreachProspectCreator"/> of <c>AddOutreachClient</c>, and
    /// acts only on updates email resolution (<c>AddEmailResolution</c>) hands it.
    /// </summary>
    public static IServiceCollection AddCreateProspectsOperation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NewProspectClaims>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryOperation, CreateProspectsOperation>());
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>Registers the operation that sets fields on existing prospects, and its state (one set per process, as the engine is).</summary>
public static class SetFieldsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SetFieldsOperation"/> (<see cref="FieldPlanner"/>, <see cref="SharedChangeWriter"/>,
    /// <see cref="RecordImportWriter"/>, <see cref="FieldPatcher"/>) as a delivery operation, with <see cref="BulkWriteOptions"/> bound to the
    /// <c>Delivery</c> section and validated at start. Its Outreach calls go through the clients <c>AddOutreachClient</c>
    /// registers (the prospect reader, the bulk-modify client, the import client, the PATCH client).
    /// </summary>
    public static IServiceCollection AddSetFieldsOperation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BulkWriteOptions>().BindConfiguration(BulkWriteOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulkWriteOptions>, BulkWriteOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InFlightBulkWrites>();
        services.TryAddSingleton<BulkCallCost>();
        services.TryAddSingleton<BulkWriteAvailability>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Monitoring.IHealthReasonSource, BulkWriteAvailability>(sp => sp.GetRequiredService<BulkWriteAvailability>()));
        services.TryAddSingleton<FieldPlanner>();
        services.TryAddSingleton<SharedChangeWriter>();
        services.AddRecordImportWriter();
        services.TryAddSingleton<FieldPatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryOperation, SetFieldsOperation>());
        return services;
    }
}

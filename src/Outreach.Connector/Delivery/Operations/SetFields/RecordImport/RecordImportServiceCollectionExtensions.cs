using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>Registers per-record bulk writes: the import writer of the set-fields operation and its state.</summary>
public static class RecordImportServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RecordImportWriter"/>, <see cref="PerRecordBulkAvailability"/>, <see cref="StalledImports"/> and <see cref="PerRecordBulkStateStore"/>,
    /// with <see cref="PerRecordBulkOptions"/> bound to the <c>Delivery</c> section and validated at start. Imports go
    /// through the <c>IOutreachImportClient</c> registered by <c>AddOutreachClient</c>. Called by <c>AddSetFieldsOperation</c>.
    /// </summary>
    public static IServiceCollection AddRecordImportWriter(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PerRecordBulkOptions>().BindConfiguration(PerRecordBulkOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PerRecordBulkOptions>, PerRecordBulkOptionsValidator>());
        services.TryAddSingleton<PerRecordBulkStateStore>();
        services.TryAddSingleton<PerRecordBulkAvailability>();
        services.TryAddSingleton<StalledImports>();
        services.TryAddSingleton<RecordImportWriter>();
        return services;
    }
}

using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Operations.CreateProspects;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Monitoring;

namespace Outreach.Connector.Delivery;

/// <summary>Registers the delivery engine and its Table-storage state, and the dry run.</summary>
public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DeliveryEngine"/> and its stores as singletons, with <see cref="DeliveryOptions"/> bound to the
    /// <c>Delivery</c> configuration section and validated at start. The app registers the
    /// <see cref="Outreach.IOutreachProspectClient"/> the engine sends through and the
    /// <see cref="Tokens.IConnectionState"/> it holds on (both come with <c>AddOutreachClient</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="tableServiceClientFactory">
    /// Creates the one <see cref="TableServiceClient"/> all delivery tables use: from a connection string (Azurite), or
    /// from an endpoint and a token credential (identity-based, in Azure). Called once.
    /// </param>
    /// <param name="configure">Optional changes applied after configuration binding.</param>
    public static IServiceCollection AddDeliveryEngine(
        this IServiceCollection services, Func<IServiceProvider, TableServiceClient> tableServiceClientFactory, Action<DeliveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(tableServiceClientFactory);

        var options = services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DeliveryTables(tableServiceClientFactory(sp), sp.GetRequiredService<IOptions<DeliveryOptions>>()));
        services.TryAddSingleton(sp => new FieldVersionStore(
            sp.GetRequiredService<DeliveryTables>(), sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.MaxEventTimeSkew));
        services.TryAddSingleton<RequestBudget>();
        services.TryAddSingleton<PermitTaker>();

        // Every Outreach answer, whatever the operation, corrects the shared budget (the pipeline's rate-limit handler).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Outreach.IRateLimitObserver, RequestBudget>(sp => sp.GetRequiredService<RequestBudget>()));
        services.TryAddSingleton<FailureLedger>();
        services.TryAddSingleton<DeliveryCounters>();
        services.TryAddSingleton<Backoff>();
        services.AddOptions<ProspectClaimOptions>().BindConfiguration(ProspectClaimOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProspectClaimOptions>, ProspectClaimOptionsValidator>());
        services.TryAddSingleton<ProspectClaimStore>();
        services.AddConnectorMetrics();
        services.TryAddSingleton<Monitoring.DeliveryActivityStore>();
        services.TryAddSingleton<IDeliveryObserver, DeliveryTelemetry>();
        services.TryAddSingleton<DeliveryRecorder>();

        // The operations, in the order each batch runs them (docs/architecture.md, "Add an Outreach operation").
        services.AddCreateProspectsOperation();
        services.AddSetFieldsOperation();
        services.AddSequenceEnrolmentOperation();
        services.TryAddSingleton(sp => new DeliveryEngine(
            sp.GetServices<IDeliveryOperation>(),
            sp.GetRequiredService<DeliveryRecorder>(),
            sp.GetRequiredService<Tokens.IConnectionState>(),
            sp.GetRequiredService<IDeliveryObserver>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ProspectClaimStore>(),
            sp.GetService<EmailMatching.EmailResolutionStep>()));
        return services;
    }

    /// <summary>Adds the delivery engine with its tables reached through a storage connection string (Azurite, local runs).</summary>
    public static IServiceCollection AddDeliveryEngine(this IServiceCollection services, string storageConnectionString, Action<DeliveryOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storageConnectionString);
        return services.AddDeliveryEngine(_ => new TableServiceClient(storageConnectionString), configure);
    }

    /// <summary>
    /// When <c>Delivery:DryRun</c> (<see cref="DeliveryOptions.DryRun"/>) is true, replaces
    /// the registered <see cref="Outreach.IOutreachProspectClient"/> and <see cref="Outreach.IOutreachProspectCreator"/> with <see cref="DryRun.DryRunProspectClient"/>.
    /// </summary>
    /// <remarks>
    /// Works before or after <c>AddOutreachClient</c>: that one adds the real client only when none is registered.
    /// </remarks>
    public static IServiceCollection AddDeliveryDryRun(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!configuration.GetSection(DeliveryOptions.SectionName).GetValue<bool>(nameof(DeliveryOptions.DryRun)))
        {
            return services;
        }

        services.RemoveAll<Outreach.IOutreachProspectClient>();
        services.RemoveAll<Outreach.IOutreachProspectCreator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DryRun.DryRunProspectClient(
            sp.GetRequiredService<DeliveryTables>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Mapping.CompiledMapping>()));
        services.AddSingleton<Outreach.IOutreachProspectClient>(sp => sp.GetRequiredService<DryRun.DryRunProspectClient>());
        services.AddSingleton<Outreach.IOutreachProspectCreator>(sp => sp.GetRequiredService<DryRun.DryRunProspectClient>());
        return services;
    }
}

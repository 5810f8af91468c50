using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>Registers the operation that enrols prospects in their audience's Outreach sequence (mapping <c>sequence</c>).</summary>
public static class SequenceEnrolmentServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SequenceEnrolmentOperation"/>, its store, guard, readiness check, batch follower and the sweep
    /// (<see cref="EnrolmentSweep"/>), with <see cref="SequenceOptions"/> bound to the <c>Sequences</c> section and
    /// validated at start, and the sequence scopes added to those asked at Connect when the mapping has a sequence
    /// (<see cref="SequenceScopes"/>). Register it after the
    /// operations that write fields: it enrols prospects that exist, and never decides a message's fate. Sends through
    /// <see cref="OutreachSequenceClient"/> (the pipeline of <c>AddOutreachClient</c>) unless another
    /// <see cref="IOutreachSequenceClient"/> is registered first.
    /// </summary>
    public static IServiceCollection AddSequenceEnrolmentOperation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SequenceOptions>().BindConfiguration(SequenceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SequenceOptions>, SequenceOptionsValidator>());
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOutreachSequenceClient, OutreachSequenceClient>();
        services.TryAddSingleton<EnrolmentStore>();
        services.TryAddSingleton<EnrolmentGuard>();
        services.TryAddSingleton<SequenceReadiness>();
        services.TryAddSingleton<EnrolmentBatchFollower>();
        services.TryAddSingleton<EnrolmentAdmission>();
        services.TryAddSingleton<EnrolmentSender>();

        // The sweep sends what waits without new traffic (the standalone sweep service, the Functions timer).
        services.TryAddSingleton(sp => new EnrolmentSweep(
            sp.GetRequiredService<EnrolmentStore>(),
            sp.GetRequiredService<EnrolmentSender>(),
            sp.GetRequiredService<SequenceExitActions>(),
            sp.GetRequiredService<Telemetry.IDeliveryObserver>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<EnrolmentSweep>>(),
            sp.GetService<Mapping.CompiledMapping>()));
        services.TryAddSingleton<SequenceExitActions>();
        services.TryAddSingleton<SequenceHealth>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OutreachOptions>, SequenceScopes>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Monitoring.IHealthReasonSource, SequenceHealth>(sp => sp.GetRequiredService<SequenceHealth>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryOperation, SequenceEnrolmentOperation>());
        return services;
    }
}

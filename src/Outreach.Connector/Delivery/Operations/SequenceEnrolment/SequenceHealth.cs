using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;
using Outreach.Connector.Monitoring;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Enrolment's health reasons: <c>sequence_not_ready</c> when an audience's sequence or mailbox is not ready (nothing is
/// enrolled for that audience until it is fixed), and <c>enrolments_held</c> when the hourly guard holds enrolments.
/// </summary>
/// <remarks>The readiness check reads Outreach at most once per <c>Sequences__ReadinessCheckInterval</c>; health asks it too.</remarks>
public sealed class SequenceHealth(SequenceReadiness readiness, EnrolmentStore store, IOptions<SequenceOptions> options, TimeProvider time, CompiledMapping? mapping = null)
    : IHealthReasonSource
{
    private static readonly TimeSpan PermitWait = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task<IReadOnlyList<HealthReason>> ReasonsAsync(CancellationToken cancellationToken)
    {
        if (mapping is not { Sequences.Count: > 0 })
        {
            return [];
        }

        var reasons = new List<HealthReason>();
        foreach (var rule in mapping.Sequences)
        {
            if (await readiness.ProblemAsync(rule, time.GetUtcNow() + PermitWait, cancellationToken) is { } problem)
            {
                reasons.Add(new HealthReason("sequence_not_ready", $"Audience '{rule.AudienceName}' enrols nobody until this is fixed: {problem}."));
            }
        }

        var held = (await store.PendingAsync(int.MaxValue, cancellationToken)).Where(e => e.Why == PendingReasons.Guard).GroupBy(e => e.MappingId);
        foreach (var audience in held)
        {
            var name = mapping.Sequences.FirstOrDefault(r => r.MappingId == audience.Key)?.AudienceName ?? $"mapping ID {audience.Key}";
            reasons.Add(new HealthReason(
                "enrolments_held",
                $"Enrolments held for audience '{name}': {audience.Count()} wait for the next hour (Sequences__MaxEnrolmentsPerHour = {options.Value.MaxEnrolmentsPerHour}); raise it to let them through sooner."));
        }

        return reasons;
    }
}

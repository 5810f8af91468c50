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

        var reasons = (await ProblemsAsync(mapping, cancellationToken)).Select(problem => new HealthReason("sequence_not_ready", problem)).ToList();

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

    /// <summary>
    /// Right after a connection is made: each audience's sequence and mailbox checked afresh against Outreach (what was
    /// learnt with the previous connection is forgotten), one line per problem in the marketer's words; empty when every
    /// sequence is ready or the mapping has none.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAfterConnectAsync(CancellationToken cancellationToken)
    {
        if (mapping is not { Sequences.Count: > 0 })
        {
            return [];
        }

        readiness.Forget();
        return await ProblemsAsync(mapping, cancellationToken);
    }

    private async Task<List<string>> ProblemsAsync(CompiledMapping compiled, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var rule in compiled.Sequences)
        {
            if (await readiness.ProblemAsync(rule, time.GetUtcNow() + PermitWait, cancellationToken) is { } problem)
            {
                problems.Add($"Audience '{rule.AudienceName}' enrols nobody until this is fixed: {problem}.");
            }
        }

        return problems;
    }
}

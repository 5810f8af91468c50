namespace Outreach.Connector.Monitoring;

/// <summary>
/// A part of the connector that can say, in the operator's words, why it is degraded (bulk writes refused, a sequence
/// not ready, enrolments held by the guard); <see cref="HealthEvaluator"/> asks every registered one.
/// </summary>
public interface IHealthReasonSource
{
    /// <summary>The reasons now; empty when this part is fine.</summary>
    Task<IReadOnlyList<HealthReason>> ReasonsAsync(CancellationToken cancellationToken);
}

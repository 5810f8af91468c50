namespace Outreach.Connector.Delivery.Budget;

/// <summary>Permits taken from the shared <see cref="RequestBudget"/>: each allows one Outreach request.</summary>
/// <param name="Granted">How many permits were taken (0 when none was available).</param>
/// <param name="WindowStart">The window the permits belong to; unused ones can only be given back within it.</param>
/// <param name="NextPermitAt">When <paramref name="Granted"/> is 0: the earliest time a permit may be available again.</param>
public readonly record struct PermitGrant(int Granted, DateTimeOffset WindowStart, DateTimeOffset NextPermitAt);

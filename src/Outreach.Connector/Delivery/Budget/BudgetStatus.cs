namespace Outreach.Connector.Delivery.Budget;

/// <summary>A read-only view of the shared request budget, for health pages and tests.</summary>
/// <param name="WindowStart">Start of the current window.</param>
/// <param name="WindowEnd">End of the current window.</param>
/// <param name="Used">Permits handed out in the window (including Outreach-reported use by others).</param>
/// <param name="Available">Permits that could be taken now.</param>
/// <param name="EffectiveLimit">The limit in force (configured, or lower when Outreach reports lower).</param>
/// <param name="BlockedUntil">After a 429: when sending may resume.</param>
public sealed record BudgetStatus(DateTimeOffset WindowStart, DateTimeOffset WindowEnd, int Used, int Available, int EffectiveLimit, DateTimeOffset? BlockedUntil);

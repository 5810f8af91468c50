namespace Outreach.Connector.Monitoring;

/// <summary>
/// Settings the app found questionable at start but can run with (e.g. a key no options class binds: a misspelling,
/// or a setting of a newer version): each is a health reason until the setting is fixed or removed, so it is never
/// silently ignored.
/// </summary>
/// <param name="Reasons">One health reason per questionable setting.</param>
public sealed record SettingsWarnings(IReadOnlyList<HealthReason> Reasons);

namespace Outreach.Connector.Delivery.Versions;

/// <summary>What <see cref="FieldVersionStore.RecordAppliedAsync"/> stored.</summary>
/// <param name="Recorded">Fields whose new version was written.</param>
/// <param name="Superseded">
/// Fields for which a concurrent writer had already recorded a newer version. Theirs wins in the store; in Outreach
/// the value depends on which PATCH landed last, so the engine logs these.
/// </param>
/// <param name="Conflicts">How many times the write met a concurrent change (HTTP 412/409) and was retried.</param>
/// <param name="After">
/// The prospect's versions as the store now holds them, with the ETag of this write; null when the response carried no
/// ETag (the next write then reads first).
/// </param>
public sealed record VersionRecordResult(IReadOnlyList<string> Recorded, IReadOnlyList<string> Superseded, int Conflicts, AppliedFieldVersions? After);

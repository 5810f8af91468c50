namespace Outreach.Connector.Outreach;

/// <summary>One failed item of a batch.</summary>
/// <param name="ItemId">The batchItem id.</param>
/// <param name="ProspectId">The prospect, parsed from the item's <c>data</c>; null when <c>data</c> names none (treat the whole batch as unknown).</param>
/// <param name="Info">Outreach's failure text.</param>
public sealed record BatchItemFailure(long ItemId, long? ProspectId, string? Info);

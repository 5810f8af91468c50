using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Ledger;

/// <summary>One failed update in the failure ledger: what was sent, what Outreach said, and which mapping it points to.</summary>
/// <param name="Key">The entry's key, for deleting it after a replay.</param>
/// <param name="Kind">Rejected by Outreach, or poisoned after exhausting attempts.</param>
/// <param name="ProspectId">The prospect.</param>
/// <param name="StatusCode">Outreach's HTTP status (null when no response was ever had).</param>
/// <param name="ErrorId">Outreach's error id (<c>validationError</c>…), if it gave one.</param>
/// <param name="ErrorTitle">Outreach's error title.</param>
/// <param name="ErrorDetail">Outreach's error detail, or the last transient failure reason for a poisoned update.</param>
/// <param name="SourcePointer">Outreach's JSON pointer to the offending attribute (<c>/data/attributes/custom7</c>).</param>
/// <param name="Field">The attribute the pointer names (<c>custom7</c>), if any.</param>
/// <param name="AudienceId">For a <c>customN</c> field: the AEP audience the field reports.</param>
/// <param name="MappingId">For a <c>customN</c> field: N, the audience's mapping ID in the destination configuration.</param>
/// <param name="Explanation">A sentence for people: which field, audience and mapping ID Outreach rejected, and why.</param>
/// <param name="Update">The update that failed, exactly as it would be queued again for a replay.</param>
/// <param name="MessageIds">The queue messages the update came from (at the last occurrence).</param>
/// <param name="FirstFailedAt">When this failure was first recorded.</param>
/// <param name="LastFailedAt">When it was last recorded.</param>
/// <param name="Occurrences">How many times the same update failed the same way (replays and redeliveries included).</param>
/// <param name="DeliveryAttempts">The delivery attempt of the message at the last occurrence.</param>
public sealed record FailureLedgerEntry(
    FailureLedgerKey Key,
    FailureKind Kind,
    long ProspectId,
    int? StatusCode,
    string? ErrorId,
    string? ErrorTitle,
    string? ErrorDetail,
    string? SourcePointer,
    string? Field,
    string? AudienceId,
    int? MappingId,
    string Explanation,
    ProspectUpdate Update,
    IReadOnlyList<string> MessageIds,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt,
    int Occurrences,
    int DeliveryAttempts);

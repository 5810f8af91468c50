namespace Outreach.Connector.Delivery.DryRun;

/// <summary>One PATCH a dry run would have sent: the prospect and, per field, a fingerprint of the value, never the value.</summary>
/// <param name="ProspectId">The prospect.</param>
/// <param name="RecordedAt">When the dry run stood in for the PATCH.</param>
/// <param name="Fields">Field name to its would-be value's fingerprint.</param>
public sealed record DryRunRecord(long ProspectId, DateTimeOffset RecordedAt, IReadOnlyDictionary<string, DryRunValue> Fields);

/// <summary>What a dry run keeps of a value: enough to compare two runs or check an expected value, not enough to read it.</summary>
/// <param name="Length">Length of the value's compact JSON text (a string's quotes included).</param>
/// <param name="Sha256">The first 16 hex digits of the SHA-256 of the compact JSON text (compare with <see cref="DryRunProspectClient.Fingerprint"/>).</param>
/// <param name="Status">For an audience field, the value itself when it is one of the mapping's status texts (not personal data); otherwise null.</param>
public sealed record DryRunValue(int Length, string Sha256, string? Status);

namespace Outreach.Connector.Updates;

/// <summary>
/// The unit of work between ingest and delivery: the fields to write on one Outreach prospect.
/// </summary>
/// <remarks>
/// Ingest translates each AEP profile into at most one of these and queues it; delivery coalesces the updates of a
/// prospect and sends one PATCH. It carries only mapped fields, so the queue holds as little personal data as the
/// mapping allows.
/// </remarks>
/// <param name="ProspectId">
/// The Outreach prospect id (a positive integer), or 0 when the profile named its prospect only by email: then
/// <see cref="Email"/> is set and delivery resolves it before anything else.
/// </param>
/// <param name="Fields">Prospect attribute name (<c>firstName</c>, <c>custom7</c>) to the change for it.</param>
/// <param name="ReceivedAt">When the connector received the AEP export this update came from.</param>
public sealed record ProspectUpdate(long ProspectId, IReadOnlyDictionary<string, FieldChange> Fields, DateTimeOffset ReceivedAt)
{
    /// <summary>The newest version of the queue message format this type reads and writes (2 added the email).</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>
    /// The normalized (trimmed, lower-case) email naming the prospect when the profile had no Outreach id; otherwise
    /// null. Personal data: never logged, shown only masked and hashed.
    /// </summary>
    public string? Email { get; init; }

    /// <summary>True when the prospect is known only by <see cref="Email"/> and must be resolved before delivery.</summary>
    public bool NeedsResolution => ProspectId == 0 && Email is not null;

    /// <summary>
    /// The W3C <c>traceparent</c> of the ingest request, so one trace follows the update through the queue; may be null.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>Two updates are equal when they carry the same prospect (id or email), fields, times and trace.</summary>
    public bool Equals(ProspectUpdate? other) =>
        other is not null
        && ProspectId == other.ProspectId
        && Email == other.Email
        && ReceivedAt == other.ReceivedAt
        && TraceParent == other.TraceParent
        && Fields.Count == other.Fields.Count
        && Fields.All(pair => other.Fields.TryGetValue(pair.Key, out var change) && change == pair.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ProspectId, ReceivedAt, Fields.Count);
}

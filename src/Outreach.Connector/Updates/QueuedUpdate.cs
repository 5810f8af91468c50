namespace Outreach.Connector.Updates;

/// <summary>A queue message's content: the update and the delivery attempts it already used before this copy.</summary>
/// <param name="Update">The update.</param>
/// <param name="AttemptsUsed">Attempts used by earlier copies (0 for a message ingest wrote).</param>
public readonly record struct QueuedUpdate(ProspectUpdate Update, int AttemptsUsed);

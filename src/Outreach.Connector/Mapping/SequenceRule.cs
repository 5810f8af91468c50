namespace Outreach.Connector.Mapping;

/// <summary>A validated audience → sequence rule: who is enrolled where, with which mailbox, and what an exit does.</summary>
/// <param name="AudienceId">The AEP audience.</param>
/// <param name="AudienceName">How reports name the audience.</param>
/// <param name="MappingId">The audience's mapping ID N (its field is <c>customN</c>); also names its counters.</param>
/// <param name="SequenceId">The Outreach sequence.</param>
/// <param name="MailboxId">The Outreach mailbox that sends it.</param>
/// <param name="OnExit">What leaving the audience does to the prospect's state in the sequence.</param>
/// <param name="EnrolExisting">
/// Whether <c>existing</c> (already a member when the audience was activated: the backfill) enrols too; by default only
/// <c>realized</c> (entered after activation) does.
/// </param>
public sealed record SequenceRule(string AudienceId, string AudienceName, int MappingId, long SequenceId, long MailboxId, SequenceExit OnExit, bool EnrolExisting);

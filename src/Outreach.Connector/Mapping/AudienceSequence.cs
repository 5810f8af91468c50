namespace Outreach.Connector.Mapping;

/// <summary>
/// The Outreach sequence an audience enrols its prospects in when they enter it (mapping
/// <c>"sequence": { "id": 123, "mailboxId": 45, "onExit": "none" }</c>), as typed; checked by
/// <see cref="SequenceProblems"/> and compiled into a <see cref="SequenceRule"/>.
/// </summary>
/// <remarks>Texts, not numbers, so that a typo is reported in the marketer's words instead of failing the binder.</remarks>
public sealed class AudienceSequence
{
    /// <summary>The Outreach sequence id (in the sequence's URL in Outreach).</summary>
    public string? Id { get; set; }

    /// <summary>The Outreach mailbox that sends the sequence's emails.</summary>
    public string? MailboxId { get; set; }

    /// <summary>What happens when the prospect leaves the audience: <c>none</c> (default), <c>finish</c> or <c>pause</c>.</summary>
    public string? OnExit { get; set; }
}

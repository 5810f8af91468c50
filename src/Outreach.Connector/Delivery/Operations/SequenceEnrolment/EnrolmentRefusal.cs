namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Why Outreach refused to enrol a prospect, as a reason code for counters, the status page and the enrolment record,
/// and whether trying again could help.
/// </summary>
/// <remarks>
/// Outreach does not publish its refusal texts (docs/reference/outreach-sequences.md §4, UNCONFIRMED), so they are matched
/// loosely by the words the ruleset's rules are about; an unrecognised text is <c>refused</c>, permanent, with Outreach's
/// text kept. Permanent refusals are never retried: the ruleset, the prospect's opt-out or its missing email will refuse
/// again. A disabled sequence or a mailbox that may not send are the org's to fix: those enrolments wait instead.
/// </remarks>
/// <param name="Code">The reason code (letters, digits and underscores).</param>
/// <param name="Permanent">False when the enrolment waits and is tried again once the sequence is ready.</param>
public sealed record EnrolmentRefusal(string Code, bool Permanent)
{
    /// <summary>The reasons, in the order they are matched.</summary>
    private static readonly (string Code, bool Permanent, string[] AllOf)[] Rules =
    [
        ("opted_out", true, ["opted out"]),
        ("no_email", true, ["no email"]),
        ("already_in_sequence", true, ["already active in this sequence"]),
        ("only_once", true, ["only once"]),
        ("active_in_another_sequence", true, ["another sequence"]),
        ("sequence_disabled", false, ["sequence", "disabled"]),
        ("mailbox_cannot_send", false, ["mailbox", "send"]),
        ("prospect_not_found", true, ["could not find", "prospect"]),
    ];

    /// <summary>Classifies Outreach's text for one refused enrolment (a failed batch item's <c>info</c>).</summary>
    public static EnrolmentRefusal From(string? text)
    {
        var lower = (text ?? "").ToLowerInvariant();
        foreach (var (code, permanent, allOf) in Rules)
        {
            if (allOf.All(words => lower.Contains(words, StringComparison.Ordinal)))
            {
                return new EnrolmentRefusal(code, permanent);
            }
        }

        return new EnrolmentRefusal("refused", true);
    }
}

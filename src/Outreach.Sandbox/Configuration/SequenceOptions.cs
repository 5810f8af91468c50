namespace Outreach.Sandbox.Configuration;

/// <summary>
/// Sequences, mailboxes and the ruleset that refuses enrolments (docs/reference/outreach-sequences.md). Seeded from
/// configuration; when none are configured a few demo ones are (see <see cref="ApplyDefaults"/>).
/// </summary>
/// <remarks>Collections start empty: the configuration binder appends to pre-filled lists.</remarks>
public sealed class SequenceOptions
{
    /// <summary>The sequences of the org; demo ones when empty.</summary>
    public IList<SandboxSequence> Sequences { get; init; } = [];

    /// <summary>The mailboxes of the org; demo ones when empty.</summary>
    public IList<SandboxMailbox> Mailboxes { get; init; } = [];

    /// <summary>
    /// The ruleset default "only once": a prospect who has been in a sequence (a state exists, finished or not) cannot be
    /// added again. True lets them back in once the earlier state is finished. Deleting the state always allows it.
    /// </summary>
    public bool AllowReenrolment { get; set; }

    /// <summary>The ruleset default: a prospect can be active (or paused) in one sequence at a time.</summary>
    public bool OneActiveSequenceAtATime { get; set; } = true;

    /// <summary>Whether an opted-out prospect may join a sequence with email steps (a ruleset option; off by default).</summary>
    public bool OptedOutMayJoinEmailSequences { get; set; }

    /// <summary>The resource part of the sequences scopes (<c>sequences.read</c>); exact names are UNCONFIRMED.</summary>
    public string SequencesScope { get; set; } = "sequences";

    /// <summary>The resource part of the sequence states scopes (<c>sequenceStates.read|write|delete</c>).</summary>
    public string SequenceStatesScope { get; set; } = "sequenceStates";

    /// <summary>The resource part of the mailboxes scope (<c>mailboxes.read</c>).</summary>
    public string MailboxesScope { get; set; } = "mailboxes";

    /// <summary>
    /// Seeds the demo org when nothing is configured: sequence 1 enabled with email steps, 2 enabled with calls only,
    /// 3 disabled; mailbox 1 (the first user's) may send, mailbox 2 may not.
    /// </summary>
    public void ApplyDefaults(string firstUserEmail)
    {
        if (Sequences.Count == 0)
        {
            Sequences.Add(new SandboxSequence { Id = 1, Name = "Sandbox welcome (emails)", Enabled = true, HasEmailSteps = true });
            Sequences.Add(new SandboxSequence { Id = 2, Name = "Sandbox call-down (no emails)", Enabled = true, HasEmailSteps = false });
            Sequences.Add(new SandboxSequence { Id = 3, Name = "Sandbox paused campaign (disabled)", Enabled = false, HasEmailSteps = true });
        }

        if (Mailboxes.Count == 0)
        {
            Mailboxes.Add(new SandboxMailbox { Id = 1, Email = firstUserEmail, SendingEnabled = true });
            Mailboxes.Add(new SandboxMailbox { Id = 2, Email = "no-send@outreach-sandbox.test", SendingEnabled = false });
        }
    }

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Sequences.Any(s => s.Id < 1) || Mailboxes.Any(m => m.Id < 1))
        {
            problems.Add("Sequence and mailbox ids must be positive.");
        }

        if (Sequences.GroupBy(s => s.Id).Any(g => g.Count() > 1) || Mailboxes.GroupBy(m => m.Id).Any(g => g.Count() > 1))
        {
            problems.Add("Sequence ids and mailbox ids must be unique.");
        }

        if (new[] { SequencesScope, SequenceStatesScope, MailboxesScope }.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("The scope names must not be empty.");
        }

        return problems;
    }
}

/// <summary>One sequence of the org.</summary>
public sealed class SandboxSequence
{
    /// <summary>The sequence id.</summary>
    public long Id { get; set; }

    /// <summary>Its name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Whether it is enabled (a disabled sequence refuses new prospects).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether it has email steps (opted-out or email-less prospects cannot join it).</summary>
    public bool HasEmailSteps { get; set; } = true;
}

/// <summary>One mailbox of the org.</summary>
public sealed class SandboxMailbox
{
    /// <summary>The mailbox id.</summary>
    public long Id { get; set; }

    /// <summary>Its email address.</summary>
    public string Email { get; set; } = "";

    /// <summary>Whether it may send (Outreach's <c>sendDisabled</c> is its opposite); one that may not refuses enrolments.</summary>
    public bool SendingEnabled { get; set; } = true;
}

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>Settings of sequence enrolment (section <c>Sequences</c>, app settings <c>Sequences__…</c>).</summary>
public sealed class SequenceOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Sequences";

    /// <summary>
    /// The blast-radius guard: the most prospects one audience enrols per clock hour (UTC). Enrolments beyond it wait,
    /// visibly (status page, health), until the next hour or until this is raised; field writes are never held by it.
    /// </summary>
    public int MaxEnrolmentsPerHour { get; set; } = 500;

    /// <summary>
    /// How long a newly entered prospect may wait for others to share its <c>prospectsAddToSequence</c> action (0: each
    /// delivered batch sends its own). Waiting enrolments go with the next delivered batch after this delay.
    /// </summary>
    public TimeSpan MaxEnrolmentDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How often an enrolment batch is polled while the delivery batch waits for it.</summary>
    public TimeSpan BatchPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a delivery batch waits for its enrolment batch to finish; an unfinished one is followed by later batches.</summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a readiness check (sequence enabled, mailbox may send) is trusted before it is made again.</summary>
    public TimeSpan ReadinessCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The scopes enrolment needs beyond the default ones (reading the sequence and mailbox, finding and finishing a
    /// prospect's state), separated by spaces. A mapping with a sequence adds them to those asked at Connect
    /// (<see cref="SequenceScopes"/>). Outreach's names are UNCONFIRMED (they follow <c>resource.read|write</c>), hence a setting.
    /// </summary>
    public string Scopes { get; set; } = "sequences.read mailboxes.read sequenceStates.read sequenceStates.write";

    /// <summary>The scopes of <see cref="Scopes"/> as a list.</summary>
    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

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
    /// How long a newly entered prospect may wait for others to share its <c>prospectsAddToSequence</c> action: a
    /// (sequence, mailbox) with fewer waiting entries than one full action (<c>Outreach__MaxIdsPerBulkCall</c>) is sent
    /// once its oldest entry has waited this long (0: each delivered batch sends what it finds). Default 45 seconds.
    /// </summary>
    /// <remarks>
    /// Why 45 seconds: AEP streams one audience evaluation's entries over seconds to a minute, and delivery batches are
    /// small (tens of prospects), so without a wait each batch makes its own action with its polls; 45 seconds lets one
    /// export's entries fill actions of 100. With the sweep (<see cref="SweepInterval"/>, and the Functions timer every
    /// 15 seconds) a new entrant's enrolment starts within about a minute, which sales expects of "on entry": a
    /// sequence's first step is an email scheduled by Outreach, not a reply in seconds. Set 0 where every enrolment
    /// must go at once (tests asserting immediate enrolment do).
    /// </remarks>
    public TimeSpan MaxEnrolmentDelay { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How often the standalone runtime's enrolment sweep (<see cref="EnrolmentSweep"/>) sends what waits without new
    /// traffic: entries whose delay passed, entries the guard held once the hour turns, and batches not read yet. The
    /// Functions app runs the same sweep from its <c>EnrolmentSweep</c> timer (every 15 seconds, in its function.json).
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The shortest wait between two polls of an enrolment batch while the delivery batch waits for it; when a poll shows
    /// the batch progressing, the next waits for the time its pending items need at the rate seen (bounded by
    /// <see cref="MaxBatchWait"/>), so a batch is polled a few times, not once per interval.
    /// </summary>
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

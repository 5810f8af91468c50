using System.Globalization;
using Outreach.Connector.Mapping;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Hourly counters of sequence enrolment, kept beside <see cref="Counters.DeliveryCounterNames"/> in the same table: totals,
/// and per audience → sequence (<c>Seq_{mappingId}_{sequenceId}_{what}</c>) for the status page.
/// </summary>
public static class SequenceCounterNames
{
    /// <summary>Entries recorded as waiting to be enrolled (each audience entry once, whatever AEP repeats).</summary>
    public const string Entered = "SeqEntered";

    /// <summary>Prospects Outreach enrolled (their batch item succeeded).</summary>
    public const string Enrolled = "SeqEnrolled";

    /// <summary>Enrolments Outreach refused (failed batch items), whatever the reason.</summary>
    public const string Refused = "SeqRefused";

    /// <summary>Enrolments the hourly guard held back (they wait for the next hour).</summary>
    public const string Held = "SeqHeld";

    /// <summary>Enrolments waiting because the sequence or mailbox is not ready (disabled, may not send, missing).</summary>
    public const string NotReady = "SeqNotReady";

    /// <summary>Enrolments recorded but not sent because <c>Delivery__DryRun</c> is true.</summary>
    public const string DryRunPlanned = "SeqDryRunPlanned";

    /// <summary>Entries already acted on (AEP's repeats and retries) that enrolled no one again.</summary>
    public const string RepeatsSkipped = "SeqRepeatsSkipped";

    /// <summary><c>existing</c> statuses (the backfill) that did not enrol, the audience not saying <c>enrolExisting</c>.</summary>
    public const string ExistingSkipped = "SeqExistingSkipped";

    /// <summary>Sequence states finished because their prospect left the audience.</summary>
    public const string ExitFinished = "SeqExitFinished";

    /// <summary>Sequence states paused because their prospect left the audience.</summary>
    public const string ExitPaused = "SeqExitPaused";

    /// <summary>Exits that could not be finished or paused at once (budget, Outreach's errors): owed, and tried again by the sweep.</summary>
    public const string ExitsOwed = "SeqExitsOwed";

    /// <summary>Owed exits Outreach kept failing for a day, given up (an error is logged): their sequence states run on.</summary>
    public const string ExitsGivenUp = "SeqExitsGivenUp";

    /// <summary>Every Outreach request of enrolment: bulk actions, polls, failed-item reads, state look-ups and actions, readiness reads.</summary>
    public const string Requests = "SeqRequests";

    /// <summary><c>prospectsAddToSequence</c> actions Outreach accepted.</summary>
    public const string BulkActions = "SeqBulkActions";

    /// <summary>The prefix of the per audience → sequence counters.</summary>
    public const string PerSequencePrefix = "Seq_";

    /// <summary>The per audience → sequence counter of <paramref name="what"/> (e.g. <c>Enrolled</c>, <c>Refused_opted_out</c>).</summary>
    public static string For(SequenceRule rule, string what)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Prefix(rule.MappingId, rule.SequenceId) + what;
    }

    /// <summary>The prefix of one audience → sequence's counters.</summary>
    public static string Prefix(int mappingId, long sequenceId) =>
        string.Create(CultureInfo.InvariantCulture, $"{PerSequencePrefix}{mappingId}_{sequenceId}_");
}

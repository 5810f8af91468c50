using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;

namespace Outreach.Connector.Delivery;

/// <summary>Settings of the delivery engine and its state in Azure Table storage (configuration section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Delivery";

    /// <summary>
    /// Names the Outreach connection (the user whose rate limit is spent). Every drainer of one connection shares
    /// one request budget and one set of counters, so this is their partition key in storage.
    /// </summary>
    public string ConnectionName { get; set; } = "default";

    /// <summary>The queue the host drains (used by the queue adapters; the engine itself is transport-agnostic).</summary>
    public string QueueName { get; set; } = "prospect-updates";

    /// <summary>How many queue messages the host hands to the engine at once (1..1000).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Delivery attempts allowed per message. A message that fails transiently on its last attempt, or arrives with
    /// more attempts than this (its handler kept crashing), is poisoned: recorded in the failure ledger and completed.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Outreach requests allowed per window for the connection's user (Outreach documents 10,000 per hour).</summary>
    public int RequestsPerWindow { get; set; } = 10_000;

    /// <summary>The length of the rate-limit window (Outreach documents one hour).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Permits per window the budget never hands out. They absorb requests in flight when a window rolls, permits
    /// taken just before a header correction, and clock skew between us and Outreach. 100 of 10,000 keeps usage at 99 %.
    /// </summary>
    public int SafetyMargin { get; set; } = 100;

    /// <summary>
    /// True (<c>Delivery__DryRun</c>): the connector ingests, queues, coalesces, filters and paces as usual but never
    /// writes to Outreach; it records what it would have changed in the <c>{prefix}DryRun</c> table and counts it under
    /// <c>DryRunApplied</c> (see <see cref="DryRun.DryRunProspectClient"/>). Sequences enrol no one.
    /// </summary>
    public bool DryRun { get; set; }

    /// <summary>How permits are spread over the window; see <see cref="Delivery.PacingMode"/>.</summary>
    public PacingMode PacingMode { get; set; } = PacingMode.Spread;

    /// <summary>
    /// In <see cref="PacingMode.Spread"/>: permits that may be taken at once after an idle spell (the token bucket's
    /// size). Keep it at or below <see cref="SafetyMargin"/> so a rolling window is never exceeded.
    /// </summary>
    public int BurstPermits { get; set; } = 50;

    /// <summary>Most permits one drainer takes from the shared budget in one storage round trip.</summary>
    public int MaxPermitsPerLease { get; set; } = 10;

    /// <summary>
    /// When no permit is available, the engine waits this long at most for the next one (spread pacing frees one
    /// every few hundred milliseconds); a longer wait defers the remaining messages to the time permits return.
    /// </summary>
    public TimeSpan MaxWaitForPermit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The engine stops sending after working on a batch this long and defers the rest to now, so a batch never
    /// outlives the queue's lock on its messages (Service Bus does not renew locks of batches).
    /// </summary>
    public TimeSpan MaxBatchDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Added to Outreach's reset time after a 429, for clock skew between Outreach and us.</summary>
    public TimeSpan RateLimitPadding { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The delay before the second delivery attempt after a transient failure; doubles per attempt.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest delay between two attempts after transient failures.</summary>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// After Outreach refuses the credentials, how long messages are held before delivery tries Outreach again
    /// (one probe request), unless the connection is resumed earlier.
    /// </summary>
    public TimeSpan UnauthorizedHold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How far an AEP event time (an audience's <c>lastQualificationTime</c>) may lie after the export's receipt and still
    /// order the field's versions (0..1 day, default 5 minutes). A later time is a bad clock or a bad value: the change
    /// counts as observed at its receipt time (counted as <c>futureEventTimes</c>), and a stored version beyond it is
    /// read the same way, so a single future time can never freeze a field.
    /// </summary>
    public TimeSpan MaxEventTimeSkew { get; set; } = Versions.FieldVersion.DefaultMaxEventTimeSkew;

    /// <summary>
    /// Prefix of the delivery tables (letters and digits, starting with a letter): <c>{prefix}FieldVersions</c>,
    /// <c>{prefix}RequestBudget</c>, <c>{prefix}FailureLedger</c>, <c>{prefix}DeliveryCounters</c>, <c>{prefix}ProspectClaims</c>.
    /// </summary>
    public string TablePrefix { get; set; } = "outreach";
}

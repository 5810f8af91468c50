using System.Text;
using Outreach.Connector.Delivery.Outcomes;

namespace Outreach.Connector.Delivery.Counters;

/// <summary>The names of the hourly counters kept in <see cref="DeliveryCounters"/>, shared by ingest and delivery.</summary>
/// <remarks>
/// Names are table property names: ASCII letters, digits and underscores, starting with a letter.
/// Message counters add up per batch: Received = Complete(Applied + UpToDate + Rejected) + Deferred + Retried + Paused + Poisoned.
/// </remarks>
public static class DeliveryCounterNames
{
    /// <summary>Messages delivery received (ingest counts its own profiles under <see cref="IngestReceived"/>).</summary>
    public const string Received = "Received";

    /// <summary>Messages merged into another message's PATCH of the same prospect in a batch.</summary>
    public const string Coalesced = "Coalesced";

    /// <summary>Fields dropped because a value observed later was already applied.</summary>
    public const string Stale = "Stale";

    /// <summary>Fields dropped because exactly this version was already applied (redeliveries).</summary>
    public const string Duplicate = "Duplicate";

    /// <summary>Field changes whose AEP event time lay beyond <c>Delivery:MaxEventTimeSkew</c> after receipt, ordered by their receipt time instead.</summary>
    public const string FutureEventTimes = "FutureEventTimes";

    /// <summary>Messages completed without a request because nothing was left to send.</summary>
    public const string UpToDate = "UpToDate";

    /// <summary>PATCH requests sent to Outreach.</summary>
    public const string RequestsSent = "RequestsSent";

    /// <summary>PATCH requests Outreach applied (prospects updated).</summary>
    public const string Applied = "Applied";

    /// <summary>Messages completed because Outreach applied their PATCH.</summary>
    public const string MessagesApplied = "MessagesApplied";

    /// <summary>Responses with status 429.</summary>
    public const string RateLimited = "RateLimited";

    /// <summary>Messages deferred because the budget was spent or Outreach answered 429.</summary>
    public const string Deferred = "Deferred";

    /// <summary>Messages given back for a later attempt after a transient failure.</summary>
    public const string Retried = "Retried";

    /// <summary>Messages held because the connection needs re-authorization.</summary>
    public const string Paused = "Held"; // the stored name predates "paused"; kept so earlier hours still count

    /// <summary>PATCH requests Outreach rejected for good (recorded in the failure ledger).</summary>
    public const string Failed = "Failed";

    /// <summary>Messages completed because Outreach rejected their PATCH for good.</summary>
    public const string MessagesFailed = "MessagesFailed";

    /// <summary>Messages poisoned after exhausting their attempts.</summary>
    public const string Poisoned = "Poisoned";

    /// <summary>Profiles ingest received (written by ingest).</summary>
    public const string IngestReceived = "IngestReceived";

    /// <summary>Profiles ingest excluded (no Outreach id, nothing mapped; written by ingest).</summary>
    public const string Excluded = "Excluded";

    /// <summary>Profiles ingest found invalid (written by ingest).</summary>
    public const string Invalid = "Invalid";

    /// <summary>Profiles ingest accepted and queued as one update each (written by ingest).</summary>
    public const string IngestAccepted = "IngestAccepted";

    /// <summary>Export requests ingest refused whole (not JSON, too large…; written by ingest).</summary>
    public const string IngestRefused = "IngestRefused";

    /// <summary>PATCHes a dry run would have sent (counted instead of <see cref="RequestsSent"/>; <see cref="Applied"/> counts them too).</summary>
    public const string DryRunApplied = "DryRunApplied";

    /// <summary>Prospects created for an email no prospect held (mapping <c>createProspects</c>); <see cref="Applied"/> counts them too.</summary>
    public const string Created = "Created";

    /// <summary>Create requests sent to Outreach.</summary>
    public const string CreatesSent = "CreatesSent";

    /// <summary>Creates a dry run would have sent.</summary>
    public const string DryRunCreated = "DryRunCreated";

    /// <summary>Creates Outreach refused because another writer had created the prospect first (its update went to that prospect).</summary>
    public const string CreateConflicts = "CreateConflicts";

    /// <summary>Creates whose answer was lost (timeout, reset, 5xx): the next attempt looks the email up before creating.</summary>
    public const string CreatesUncertain = "CreatesUncertain";

    /// <summary>New prospects not created in a batch because another drainer was creating the same email.</summary>
    public const string CreateWaits = "CreateWaits";

    /// <summary>Prospects created whose create another drainer wrote over before its versions were recorded: the update went again by the ordinary path.</summary>
    public const string CreatedWrittenMeanwhile = "CreatedWrittenMeanwhile";

    /// <summary>
    /// New prospects not created nor looked up because another drainer had recorded the email's prospect since the batch
    /// resolved it (the update went to that prospect).
    /// </summary>
    public const string CreatesHandedOver = "CreatesHandedOver";

    /// <summary>Failed updates a replay put back on the queue.</summary>
    public const string Replayed = "Replayed";

    /// <summary>The prefix of the per-error counters made by <see cref="FailedWith"/>.</summary>
    public const string FailedPrefix = "Failed_";

    /// <summary>The prefix of the per-reason exclusion counters made by <see cref="ExcludedFor"/>.</summary>
    public const string ExcludedPrefix = "Excluded_";

    /// <summary>The prefix of the per-audience counters made by <see cref="AudienceWritten"/>.</summary>
    public const string AudiencePrefix = "Audience_";

    /// <summary>The counter of profiles ingest excluded for one reason: <c>Excluded_no_outreach_identity</c>.</summary>
    public static string ExcludedFor(string? reason) => Sanitized(ExcludedPrefix, reason);

    /// <summary>
    /// The counter of applied writes of one audience's field with one value: <c>Audience_{audience id}_{value}</c>, the
    /// id's and value's characters other than ASCII letters and digits written as <c>_</c>. Compare names built by this
    /// method rather than splitting them.
    /// </summary>
    public static string AudienceWritten(string audienceId, string value) => Sanitized(AudienceWrittenPrefix(audienceId), value);

    /// <summary>The start every <see cref="AudienceWritten"/> name of one audience shares.</summary>
    public static string AudienceWrittenPrefix(string audienceId) => AudiencePrefix + Sanitized("", audienceId) + "_";

    /// <summary>The counter of PATCHes rejected with one Outreach error id: <c>Failed_validationError</c>.</summary>
    public static string FailedWith(string? errorId) => Sanitized(FailedPrefix, errorId);

    private static string Sanitized(string prefix, string? text)
    {
        var builder = new StringBuilder(prefix);
        foreach (var c in string.IsNullOrEmpty(text) ? "none" : text)
        {
            if (builder.Length >= 200)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        // A long prefix (an audience id of 200 characters) must not push the name past a property name's limit.
        return builder.Length > 200 ? builder.ToString(0, 200) : builder.ToString();
    }

    /// <summary>True when <paramref name="name"/> can be stored as a counter.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= 200
        && char.IsAsciiLetter(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && name is not "PartitionKey" and not "RowKey" and not "Timestamp";
}

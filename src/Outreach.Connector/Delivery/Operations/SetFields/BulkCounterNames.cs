using Outreach.Connector.Delivery.Counters;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>Hourly counters of the bulk path, kept beside <see cref="DeliveryCounterNames"/> in the same table.</summary>
public static class BulkCounterNames
{
    /// <summary>Fields not sent because Outreach already holds the value (written before, or read back).</summary>
    public const string SkippedUnchanged = "SkippedUnchanged";

    /// <summary>Collection GETs that read never-written prospects before their first write.</summary>
    public const string ReadRequests = "ReadRequests";

    /// <summary>Prospects read back by those GETs.</summary>
    public const string ProspectsRead = "ProspectsRead";

    /// <summary>Bulk actions Outreach accepted (<c>prospectsBulkModify</c>).</summary>
    public const string BulkCalls = "BulkCalls";

    /// <summary>Prospect ids named by accepted bulk actions.</summary>
    public const string BulkProspects = "BulkProspects";

    /// <summary>Prospects a finished bulk action wrote (their versions recorded).</summary>
    public const string BulkApplied = "BulkApplied";

    /// <summary>Prospects whose bulk item failed; they go one PATCH each.</summary>
    public const string BulkItemsFailed = "BulkItemsFailed";

    /// <summary>Status requests for bulk jobs: batch polls and failed-item reads.</summary>
    public const string BulkPolls = "BulkPolls";

    /// <summary>Prospects held back (their messages deferred) because a bulk job in flight writes one of their fields.</summary>
    public const string InFlightDeferred = "InFlightDeferred";

    /// <summary>Every Outreach request of the bulk path (reads, bulk actions, polls); PATCHes are <see cref="DeliveryCounterNames.RequestsSent"/>.</summary>
    public const string Requests = "BulkPathRequests";
}

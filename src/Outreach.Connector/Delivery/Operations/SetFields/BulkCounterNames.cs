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

    /// <summary>Imports Outreach accepted (<c>bulkUpsert</c>, per-record bulk writes).</summary>
    public const string ImportCalls = "ImportCalls";

    /// <summary>Prospect records sent in accepted imports.</summary>
    public const string ImportRecords = "ImportRecords";

    /// <summary>Status reads of imports (<c>GET /imports/{id}</c>).</summary>
    public const string ImportPolls = "ImportPolls";

    /// <summary>Collection GETs that read an import's prospects back to verify it.</summary>
    public const string ImportReadBacks = "ImportReadBacks";

    /// <summary>Prospects whose every field an import wrote, as read back (their versions recorded).</summary>
    public const string ImportApplied = "ImportApplied";

    /// <summary>Prospects of an import that went on by PATCH: its fields did not all land, or the import was not confirmed.</summary>
    public const string ImportFellBack = "ImportFellBack";

    /// <summary>Imports Outreach refused, or that ended failed: their prospects go by PATCH.</summary>
    public const string ImportsFailed = "ImportsFailed";

    /// <summary>Imports not finished within the wait: their prospects go by PATCH.</summary>
    public const string ImportsStalled = "ImportsStalled";

    /// <summary>Imports that said they finished but whose read-back showed none of their records applied.</summary>
    public const string ImportsAppliedNothing = "ImportsAppliedNothing";

    /// <summary>Every Outreach request of the bulk path (reads, bulk actions, polls, imports and their read-backs); PATCHes are <see cref="DeliveryCounterNames.RequestsSent"/>.</summary>
    public const string Requests = "BulkPathRequests";
}

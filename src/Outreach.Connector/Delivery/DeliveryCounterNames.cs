using System.Text;

namespace Outreach.Connector.Delivery;

/// <summary>The names of the hourly counters kept in <see cref="DeliveryCounters"/>, shared by ingest and delivery.</summary>
/// <remarks>
/// Names are table property names: ASCII letters, digits and underscores, starting with a letter.
/// Message counters add up per batch: Received = Complete(Applied + UpToDate + Rejected) + Deferred + Retried + Held + Poisoned.
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
    public const string Held = "Held";

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

    /// <summary>The counter of PATCHes rejected with one Outreach error id: <c>Failed_validationError</c>.</summary>
    public static string FailedWith(string? errorId)
    {
        var builder = new StringBuilder("Failed_");
        foreach (var c in string.IsNullOrEmpty(errorId) ? "none" : errorId)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
            if (builder.Length == 200)
            {
                break;
            }
        }

        return builder.ToString();
    }

    /// <summary>True when <paramref name="name"/> can be stored as a counter.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= 200
        && char.IsAsciiLetter(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && name is not "PartitionKey" and not "RowKey" and not "Timestamp";
}

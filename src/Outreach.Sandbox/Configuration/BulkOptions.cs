namespace Outreach.Sandbox.Configuration;

/// <summary>How <c>POST /batches/actions/prospectsBulkModify</c> and its batches behave (docs/reference/outreach-api.md, bulk actions).</summary>
public sealed class BulkOptions
{
    /// <summary>
    /// Whether ids given only in the body (<c>data.attributes.ids</c>) select the prospects. Off by default: the
    /// documented selector is the query filter, and a body-only id list is the worst case (the action then hits every
    /// prospect), so nothing may rely on it.
    /// </summary>
    public bool HonourBodyIds { get; set; }

    /// <summary>How many batch items are processed per second after the batch starts (asynchronous, like Outreach).</summary>
    public double ItemsPerSecond { get; set; } = 200;

    /// <summary>What one bulk call costs in the user's rate limit: one request, or one per item it selects.</summary>
    public BulkRateLimitCost RateLimitCost { get; set; } = BulkRateLimitCost.PerCall;

    /// <summary>Prospects whose batch items fail with a validation error (a per-item failure Outreach can report).</summary>
    public IList<long> ValidationFailureIds { get; init; } = [];

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(ItemsPerSecond > 0) || double.IsInfinity(ItemsPerSecond))
        {
            problems.Add("ItemsPerSecond must be a positive number.");
        }

        if (!Enum.IsDefined(RateLimitCost))
        {
            problems.Add("RateLimitCost must be PerCall or PerItem.");
        }

        return problems;
    }
}

/// <summary>What a bulk call costs in the rate limit; Outreach says bulk endpoints have "special rules" (UNCONFIRMED).</summary>
public enum BulkRateLimitCost
{
    /// <summary>One request per call, like any other call.</summary>
    PerCall,

    /// <summary>One request per selected item (the call itself counts as the first).</summary>
    PerItem,
}

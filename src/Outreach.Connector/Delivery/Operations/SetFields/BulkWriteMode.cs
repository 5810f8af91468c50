

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>Whether delivery writes status changes shared by many prospects with Outreach's bulk action (<c>Delivery__BulkWrites</c>).</summary>
public enum BulkWriteMode
{
    /// <summary>
    /// Use bulk writes; when Outreach refuses the bulk endpoint itself (a 4xx other than 429, e.g. a missing
    /// <c>batches.write</c> scope), fall back to one PATCH per prospect for this connection until it is re-authorized.
    /// </summary>
    Auto,

    /// <summary>Always use bulk writes for groups of prospects with the same change; a refusal is reported, never a reason to stop trying.</summary>
    On,

    /// <summary>Never use bulk writes: one PATCH per prospect, as before bulk writes existed.</summary>
    Off,
}

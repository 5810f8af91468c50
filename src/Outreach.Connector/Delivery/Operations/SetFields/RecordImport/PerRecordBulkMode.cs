namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>Whether prospects with different values are written with Outreach's <c>bulkUpsert</c> import (<c>Delivery__PerRecordBulk</c>).</summary>
public enum PerRecordBulkMode
{
    /// <summary>
    /// Used once the connection holds the import scopes and a first small import was confirmed by reading its prospects
    /// back; turned off for the connection, until it is re-authorized, after consecutive unconfirmed imports.
    /// </summary>
    Auto,

    /// <summary>Always used; every import is still verified by read-back, and an unconfirmed one never turns them off.</summary>
    On,

    /// <summary>Never used: shared changes in bulk, the rest one PATCH per prospect.</summary>
    Off,
}

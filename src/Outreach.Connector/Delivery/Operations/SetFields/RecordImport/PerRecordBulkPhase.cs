namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>Where per-record bulk writes stand for the connection's current authorization (<see cref="PerRecordBulkState"/>).</summary>
public enum PerRecordBulkPhase
{
    /// <summary>No import confirmed yet on this authorization: the next batch tries a small one.</summary>
    Trial,

    /// <summary>An import was confirmed by read-back: batches use imports.</summary>
    Confirmed,

    /// <summary>Consecutive imports were not confirmed: off until the connection is re-authorized.</summary>
    Off,
}

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>How one batch uses per-record bulk writes (<see cref="PerRecordBulkAvailability.DecideAsync"/>).</summary>
public enum ImportUse
{
    /// <summary>Not at all: shared changes in bulk, the rest one PATCH per prospect.</summary>
    Off,

    /// <summary>One small import (<c>Delivery__PerRecordBulkTrialSize</c> records) that must be confirmed by read-back; the rest as without imports.</summary>
    Trial,

    /// <summary>Every prospect with something to send goes in imports (shared changes too: one import carries any mix of values).</summary>
    Full,
}

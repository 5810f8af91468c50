namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>
/// Settings of per-record bulk writes (<c>bulkUpsert</c> imports, docs/reference/outreach-imports.md). Bound to the
/// <c>Delivery</c> section, so app settings read <c>Delivery__PerRecordBulk</c>; checked at start by
/// <see cref="PerRecordBulkOptionsValidator"/>, each problem one line naming the setting.
/// </summary>
public sealed class PerRecordBulkOptions
{
    /// <summary>The configuration section these options bind to (shared with <see cref="DeliveryOptions"/>).</summary>
    public const string SectionName = DeliveryOptions.SectionName;

    /// <summary>
    /// <c>auto</c> (default), <c>on</c> or <c>off</c>: see <see cref="PerRecordBulkMode"/>. A text, not an enum, so a bad
    /// value is one line naming the setting rather than a binder's exception.
    /// </summary>
    public string PerRecordBulk { get; set; } = "auto";

    /// <summary>
    /// The scopes the connection must hold before <c>auto</c> tries an import, separated by spaces. Outreach does not
    /// document them (UNCONFIRMED, outreach-imports.md §5): its resources follow <c>resource.read|write</c>.
    /// </summary>
    public string PerRecordBulkScope { get; set; } = "imports.read imports.write";

    /// <summary>The most prospect records in one import (1 to 1000); <c>probe-outreach</c> prints the largest group that applied fully.</summary>
    public int PerRecordBulkGroupSize { get; set; } = 100;

    /// <summary>
    /// The fewest prospects an import carries (1 to <see cref="PerRecordBulkGroupSize"/>); fewer go one PATCH each. An
    /// import costs at least three requests (the upsert, a status read, a read-back), so it saves requests only from four
    /// prospects on: a trickle of single profiles keeps costing one PATCH each.
    /// </summary>
    public int PerRecordBulkMinGroupSize { get; set; } = 4;

    /// <summary>The records of the first import on a connection in <c>auto</c> mode, the trial that must be confirmed by read-back.</summary>
    public int PerRecordBulkTrialSize { get; set; } = 5;

    /// <summary>In <c>auto</c> mode, the consecutive unconfirmed imports (failed, stalled, or applied nothing) that turn per-record bulk writes off.</summary>
    public int PerRecordBulkMaxUnconfirmed { get; set; } = 3;

    /// <summary>
    /// The wait before an import's first status read. Outreach does not say how long processing takes (§2); one read
    /// after a sensible wait costs less than many early ones. The wait for an import is bounded by
    /// <c>Delivery__MaxBulkWait</c> and the batch's time limit; an import not finished by then goes one PATCH per prospect.
    /// </summary>
    public TimeSpan ImportFirstPoll { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait between later status reads of an import still running.</summary>
    public TimeSpan ImportPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The mode <see cref="PerRecordBulk"/> names; null when it names none.</summary>
    public PerRecordBulkMode? Mode => PerRecordBulk.Trim().ToUpperInvariant() switch
    {
        "AUTO" => PerRecordBulkMode.Auto,
        "ON" => PerRecordBulkMode.On,
        "OFF" => PerRecordBulkMode.Off,
        _ => null,
    };

    /// <summary>The scopes of <see cref="PerRecordBulkScope"/> as a list.</summary>
    public IReadOnlyList<string> Scopes => PerRecordBulkScope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

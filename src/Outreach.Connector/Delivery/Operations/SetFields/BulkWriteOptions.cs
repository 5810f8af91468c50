

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// Settings for writing fewer requests than prospects: skip values Outreach already holds, read prospects before their
/// first write, and bulk status writes. Bound to the <c>Delivery</c> section, so app settings read <c>Delivery__BulkWrites</c>.
/// </summary>
public sealed class BulkWriteOptions
{
    /// <summary>The configuration section these options bind to (shared with <see cref="DeliveryOptions"/>).</summary>
    public const string SectionName = DeliveryOptions.SectionName;

    /// <summary>Whether groups of prospects with the same remaining change are written with one bulk action per chunk.</summary>
    public BulkWriteMode BulkWrites { get; set; } = BulkWriteMode.Auto;

    /// <summary>
    /// Send a value even when Outreach is known to hold it already (written or read back earlier). Default false:
    /// a re-export of the same value is not sent, so a manual edit made in Outreach since is not overwritten by it.
    /// True restores the behaviour before this setting existed (every newer export is written).
    /// </summary>
    public bool ResendUnchanged { get; set; }

    /// <summary>Read the mapped fields of never-written prospects (one collection GET per many) and send only what differs.</summary>
    public bool ReadBeforeWrite { get; set; } = true;

    /// <summary>
    /// The smallest group of prospects with the same change that is written in bulk; smaller groups take one PATCH each.
    /// (How many ids one read or bulk action carries is <c>Outreach__MaxIdsPerRead</c> / <c>Outreach__MaxIdsPerBulkCall</c>.)
    /// </summary>
    public int MinProspectsPerBulkCall { get; set; } = 3;

    /// <summary>The delay before the first status poll of a bulk job and between polls; each poll costs one request.</summary>
    public TimeSpan BulkPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a batch waits for its bulk jobs to finish, from its last accepted bulk action (never past
    /// <c>Delivery__MaxBatchDuration</c>). A job still running then stays in flight: its messages are
    /// deferred, its fields are not written by anything else, and a later batch polls it to the end.
    /// </summary>
    public TimeSpan MaxBulkWait { get; set; } = TimeSpan.FromSeconds(20);
}

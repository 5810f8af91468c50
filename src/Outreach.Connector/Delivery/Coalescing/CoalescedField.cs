using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Coalescing;

/// <summary>The winning change of one field after coalescing, with the receipt time of the update it came from.</summary>
/// <param name="Change">The change to send.</param>
/// <param name="ReceivedAt">When the update carrying the change was received; part of its <see cref="FieldVersion"/>.</param>
public sealed record CoalescedField(FieldChange Change, DateTimeOffset ReceivedAt)
{
    /// <summary>The version recorded once Outreach has applied this change.</summary>
    public FieldVersion Version { get; } = FieldVersion.Of(Change, ReceivedAt);
}

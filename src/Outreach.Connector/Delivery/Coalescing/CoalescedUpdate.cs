namespace Outreach.Connector.Delivery.Coalescing;

/// <summary>All updates of one prospect in a batch merged into the fields of one PATCH, with the messages that carried them.</summary>
/// <param name="ProspectId">The Outreach prospect; 0 for a prospect still to be created (<see cref="NewProspectEmail"/>).</param>
/// <param name="Fields">Per field, the newest change among the messages.</param>
/// <param name="Messages">The messages merged here, in batch order; they all share the write's fate.</param>
public sealed record CoalescedUpdate(long ProspectId, IReadOnlyDictionary<string, CoalescedField> Fields, IReadOnlyList<DeliveryMessage> Messages)
{
    /// <summary>
    /// For a prospect no one holds yet (<see cref="ProspectId"/> 0: its email named no prospect and the mapping creates
    /// prospects), the normalized email its messages share; otherwise null.
    /// </summary>
    public string? NewProspectEmail => ProspectId == 0 ? Messages[0].Update.Email : null;
}

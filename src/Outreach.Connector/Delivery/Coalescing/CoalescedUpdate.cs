namespace Outreach.Connector.Delivery.Coalescing;

/// <summary>All updates of one prospect in a batch merged into the fields of one PATCH, with the messages that carried them.</summary>
/// <param name="ProspectId">The Outreach prospect.</param>
/// <param name="Fields">Per field, the newest change among the messages.</param>
/// <param name="Messages">The messages merged here, in batch order; they all share the write's fate.</param>
public sealed record CoalescedUpdate(long ProspectId, IReadOnlyDictionary<string, CoalescedField> Fields, IReadOnlyList<DeliveryMessage> Messages);

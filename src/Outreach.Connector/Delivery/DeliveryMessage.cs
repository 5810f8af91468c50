using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery;

/// <summary>One received queue message as the engine sees it: the update, the transport's id for it, and its attempt number.</summary>
/// <param name="MessageId">The transport's id of the message (Service Bus MessageId, Storage queue message id); echoed in logs and the ledger.</param>
/// <param name="Update">The update the message carries.</param>
/// <param name="DeliveryAttempt">
/// 1 on the first delivery. The host computes it as the attempts carried by the message (see
/// <see cref="Outcomes.MessageFate.AttemptsUsed"/>, 0 for a message ingest wrote) plus the transport's own count
/// for this copy (Service Bus DeliveryCount, Storage queue DequeueCount).
/// </param>
public sealed record DeliveryMessage(string MessageId, ProspectUpdate Update, int DeliveryAttempt);

using Outreach.Connector.Delivery.Outcomes;

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>What became of a received batch.</summary>
/// <param name="Received">How many messages the batch held.</param>
/// <param name="SetAside">The messages that were not prospect updates, kept by the transport.</param>
/// <param name="Delivery">The engine's result for the others; null when there were none.</param>
/// <param name="Settlements">One settlement per delivered message, in the batch's order (a message that carried several updates has one settlement for all of them).</param>
/// <param name="ConnectionResumed">True when the connection was paused and a re-authorization (on any instance) resumed it before delivering.</param>
public sealed record ReceivedBatchResult(
    int Received, IReadOnlyList<SetAsideMessage> SetAside, DeliveryBatchResult? Delivery, IReadOnlyList<Settlement> Settlements, bool ConnectionResumed)
{
    /// <summary>When sending may resume after the batch stopped early (see <see cref="DeliveryBatchResult.SendingResumesAt"/>).</summary>
    public DateTimeOffset? SendingResumesAt => Delivery?.SendingResumesAt;
}

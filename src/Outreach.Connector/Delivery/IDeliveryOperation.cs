using Outreach.Connector.Delivery.Coalescing;

namespace Outreach.Connector.Delivery;

/// <summary>
/// One kind of write delivery makes to Outreach, in delivery's three steps: <b>plan</b> what each prospect needs of it,
/// <b>call</b> Outreach (grouped as the operation's endpoints allow, under the shared request budget), and <b>record</b>
/// each answer (<see cref="Outcomes.DeliveryRecorder"/>). Today: creating the prospect an email names
/// (<see cref="Operations.CreateProspects.CreateProspectsOperation"/>) and setting fields on existing prospects
/// (<see cref="Operations.SetFields.SetFieldsOperation"/>). A new operation is a folder under <c>Delivery/Operations/</c>
/// with a class implementing this, registered after the ones it depends on (docs/architecture.md, "Add an Outreach
/// operation").
/// </summary>
internal interface IDeliveryOperation
{
    /// <summary>
    /// Works on the prospects of the batch this drainer holds claims for (in batch order, one coalesced update each),
    /// deciding their messages' fates in <paramref name="run"/> or leaving them to the next operation.
    /// </summary>
    /// <remarks>
    /// Expected outcomes never throw. When <paramref name="run"/> has stopped (<see cref="BatchRun.Stop"/>), nothing more
    /// is sent: the operation decides the undecided messages by the stop.
    /// </remarks>
    Task DeliverAsync(BatchRun run, IReadOnlyList<CoalescedUpdate> groups, CancellationToken cancellationToken);
}

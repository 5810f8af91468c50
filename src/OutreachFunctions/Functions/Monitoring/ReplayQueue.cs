using Outreach.Connector.Queueing;

namespace OutreachFunctions.Functions.Monitoring;

/// <summary>
/// The queue the Replay function puts failed updates back on: the update queue through the one Service Bus sender
/// (fresh message ids, so a replay is never dropped as a duplicate). Its own type rather than <see cref="IUpdateQueue"/>,
/// so nothing else picks it up by accident.
/// </summary>
/// <param name="Queue">The update queue.</param>
public sealed record ReplayQueue(IUpdateQueue Queue);

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>A received message that was not a prospect update, and where the transport kept it.</summary>
/// <param name="MessageId">The message's id.</param>
/// <param name="Reason">Why it could not be read.</param>
/// <param name="KeptAs">Where the transport kept it (a poison queue, a blob), for logs.</param>
public sealed record SetAsideMessage(string MessageId, string Reason, string KeptAs);

namespace Outreach.Connector.Queueing.Receiving;

/// <summary>One message as a transport received it, before decoding, with the transport's own handle for settling it.</summary>
/// <typeparam name="THandle">What the transport needs to settle the message (a pop receipt, the broker's metadata).</typeparam>
/// <param name="MessageId">The transport's id of the message (a stable stand-in when the transport gave none); echoed in logs and the ledger.</param>
/// <param name="Body">The body as received.</param>
/// <param name="DeliveryCount">How often the transport has delivered this copy, this delivery included (1 on the first).</param>
/// <param name="Handle">The transport's handle for the message.</param>
public sealed record ReceivedMessage<THandle>(string MessageId, BinaryData Body, int DeliveryCount, THandle Handle);

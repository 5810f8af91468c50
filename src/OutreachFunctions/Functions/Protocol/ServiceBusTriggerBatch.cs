namespace OutreachFunctions.Functions.Protocol;

/// <summary>The messages of one <c>serviceBusTrigger</c> invocation, in the order the host sent them.</summary>
/// <param name="Messages">The messages; one for a <c>cardinality: one</c> trigger.</param>
/// <param name="IsBatch">True when the host sent a batch (<c>cardinality: many</c>, <c>*Array</c> metadata).</param>
/// <param name="Warnings">
/// Metadata that was ignored and why (a misaligned <c>*Array</c>, a key shadowed by a body field, an unreadable value);
/// worth logging, never fatal.
/// </param>
public sealed record ServiceBusTriggerBatch(IReadOnlyList<ServiceBusTriggerMessage> Messages, bool IsBatch, IReadOnlyList<string> Warnings);

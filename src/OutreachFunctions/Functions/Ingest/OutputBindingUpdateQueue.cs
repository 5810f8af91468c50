using Outreach.Connector.Queueing;
using Outreach.Connector.Updates;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Ingest;

/// <summary>
/// The ingest queue of one Functions invocation: collects each update as one JSON object (the queue message format,
/// <see cref="ProspectUpdateFormat"/>) in a Service Bus output binding of the invocation's result.
/// </summary>
/// <remarks>
/// Nothing is sent here: the host sends the collected messages when the invocation succeeds, before AEP gets its
/// answer. The binding cannot set a MessageId (docs/reference/functions-host.md §4), so the broker's duplicate detection does not
/// catch an AEP retry of the same export; delivery is idempotent instead (it drops field values it already applied).
/// </remarks>
public sealed class OutputBindingUpdateQueue(InvocationResult result, string bindingName) : IUpdateQueue
{
    /// <inheritdoc />
    public Task EnqueueAsync(IReadOnlyList<ProspectUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates)
        {
            result.AddMessage(bindingName, writer => ProspectUpdateFormat.Write(writer, update));
        }

        return Task.CompletedTask;
    }
}

using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Ledger;

/// <summary>A failed update as the replay command needs it: the update to queue again and the ledger key to delete afterwards.</summary>
/// <param name="Key">The ledger entry.</param>
/// <param name="Update">The update, ready to serialize with <see cref="ProspectUpdateFormat"/> and queue.</param>
/// <param name="Explanation">Why it failed, to print before replaying.</param>
public sealed record ReplayableFailure(FailureLedgerKey Key, ProspectUpdate Update, string Explanation);

namespace Outreach.Connector.Delivery.Ledger;

/// <summary>Identifies one failure ledger entry (its table keys).</summary>
/// <param name="Partition">The error key the entry is filed under (Outreach's error id, <c>http404</c>, or <c>deliveryAttemptsExhausted</c>).</param>
/// <param name="Row">The prospect id and a fingerprint of the failed update.</param>
public readonly record struct FailureLedgerKey(string Partition, string Row)
{
    /// <inheritdoc />
    public override string ToString() => $"{Partition}/{Row}";
}

namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>Why a message was completed.</summary>
public enum CompletionReason
{
    /// <summary>Outreach applied the PATCH that carried the message's fields.</summary>
    Applied = 0,

    /// <summary>Nothing was left to send: every field was stale or already applied, so Outreach was not called.</summary>
    UpToDate = 1,

    /// <summary>Outreach rejected the update for good; it is recorded in the failure ledger for inspection and replay.</summary>
    Rejected = 2,
}

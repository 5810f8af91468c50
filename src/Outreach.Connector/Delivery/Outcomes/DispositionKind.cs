namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>What the host does with one queue message after the engine has worked on it.</summary>
public enum DispositionKind
{
    /// <summary>Delete the message: it is done (applied, already applied, or rejected and recorded in the ledger).</summary>
    Complete = 0,

    /// <summary>Deliver again after a backoff delay; this attempt counts toward <see cref="DeliveryOptions.MaxAttempts"/>.</summary>
    RetryLater = 1,

    /// <summary>The rate limit stopped it: deliver again at the given time without counting this attempt.</summary>
    DeferUntil = 2,

    /// <summary>The connection needs re-authorization: keep the message and deliver it again later without counting.</summary>
    Hold = 3,

    /// <summary>Attempts are exhausted: the update is recorded in the failure ledger; delete the message.</summary>
    Poison = 4,
}

namespace Outreach.Connector.Delivery.Ledger;

/// <summary>Why an update ended in the failure ledger.</summary>
public enum FailureKind
{
    /// <summary>Outreach rejected it for good (400, 403, 404, 409, 415, 422).</summary>
    Rejected = 0,

    /// <summary>It failed transiently on every one of its <see cref="DeliveryOptions.MaxAttempts"/> attempts.</summary>
    Poisoned = 1,
}

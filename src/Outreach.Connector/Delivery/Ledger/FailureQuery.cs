namespace Outreach.Connector.Delivery.Ledger;

/// <summary>Which failure ledger entries to list; every criterion left null matches everything.</summary>
/// <param name="From">Entries last recorded at or after this time.</param>
/// <param name="To">Entries last recorded before this time.</param>
/// <param name="ErrorId">Outreach's error id (<c>validationError</c>), <c>http404</c> for an error without id, or <c>deliveryAttemptsExhausted</c>.</param>
/// <param name="AudienceId">Entries whose rejected <c>customN</c> field reports this AEP audience.</param>
/// <param name="MaxResults">Stop after this many entries.</param>
public sealed record FailureQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? ErrorId = null,
    string? AudienceId = null,
    int? MaxResults = null);

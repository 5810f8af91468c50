using Azure;

namespace Outreach.Connector.Delivery.Claims;

/// <summary>A claim this drainer holds on one prospect: its table keys, the ETag of our write and when it expires.</summary>
internal sealed record HeldClaim(long ProspectId, string PartitionKey, string RowKey, ETag ETag, DateTimeOffset ExpiresAt);

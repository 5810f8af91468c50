using System.Text.Json.Serialization;
using Outreach.Connector.Delivery.DryRun;

namespace Outreach.Connector.Delivery;

/// <summary>Source-generated JSON metadata for the small values delivery stores as JSON (ledger lists, dry-run records).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, DryRunValue>))]
internal sealed partial class DeliveryJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Outreach.Connector.Delivery;

/// <summary>Source-generated JSON metadata for the small values delivery stores as JSON.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class DeliveryJsonContext : JsonSerializerContext;

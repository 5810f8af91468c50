using System.Text.Json;
using Outreach.Connector.Delivery;
using System.Text.Json.Serialization;

namespace Outreach.Connector.Monitoring;

/// <summary>Source-generated JSON (camelCase) of the status, health and replay answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ConnectorStatus))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(List<DryRunRecord>))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using Outreach.Connector.Delivery.DryRun;

namespace Outreach.Connector.Monitoring;

/// <summary>Source-generated JSON (camelCase) of the status, health and replay answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ConnectorStatus))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(List<DryRunRecord>))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Outreach.Connector.Updates;

/// <summary>Source-generated JSON metadata for the small types the update format needs.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class UpdatesJsonContext : JsonSerializerContext;

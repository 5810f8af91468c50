using System.Text.Json;

namespace Outreach.Sandbox.Prospects;

/// <summary>A consistent copy of one prospect, safe to serialize outside the store's lock.</summary>
internal sealed record ProspectSnapshot(long Id, IReadOnlyDictionary<string, JsonElement> Attributes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

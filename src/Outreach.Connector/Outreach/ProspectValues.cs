using System.Text.Json;

namespace Outreach.Connector.Outreach;

/// <summary>One prospect as a collection GET returned it: its id and the (sparse) attributes asked for.</summary>
/// <param name="Id">The prospect id.</param>
/// <param name="Attributes">The attributes Outreach returned, by name (detached from the response document).</param>
public sealed record ProspectValues(long Id, IReadOnlyDictionary<string, JsonElement> Attributes)
{
    /// <summary>The prospect's emails (empty when absent or not an array of strings).</summary>
    public IReadOnlyList<string> Emails =>
        Attributes.TryGetValue("emails", out var emails) && emails.ValueKind == JsonValueKind.Array
            ? [.. emails.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
}

using System.Globalization;
using System.Text.Json;

namespace Outreach.Connector.Outreach;

/// <summary>
/// An import as one answer showed it (<c>POST /imports/actions/bulkUpsert</c> or <c>GET /imports/{id}</c>,
/// docs/reference/outreach-imports.md §2). Every attribute but the id is optional: the resource's shape is third-party
/// and its state names are UNCONFIRMED.
/// </summary>
/// <param name="Id">The import's id.</param>
/// <param name="State">The state as Outreach names it (the sandbox: pending, processing, completed, failed).</param>
/// <param name="Total">Records in the import, when reported.</param>
/// <param name="Failures">Records that failed, when reported (a count only: which ones is not documented).</param>
/// <param name="Dupes">Records that matched an existing record, when reported.</param>
/// <param name="ErrorReason">Why the import failed, when it did.</param>
public sealed record ImportStatus(long Id, string? State, int? Total, int? Failures, int? Dupes, string? ErrorReason)
{
    // Names that mean "ended badly" in the APIs Outreach's resembles; with an errorReason, they make a failed import.
    private static readonly HashSet<string> FailedStates = new(["failed", "failure", "error", "errored", "canceled", "cancelled"], StringComparer.OrdinalIgnoreCase);

    // Names that mean "ended"; any other name is taken as "still running" (§2: a client must not depend on them).
    private static readonly HashSet<string> DoneStates = new(["completed", "complete", "finished", "done", "succeeded", "success", "imported"], StringComparer.OrdinalIgnoreCase);

    /// <summary>True when Outreach says the import ended badly (a failed state, or an error reason).</summary>
    public bool Failed => ErrorReason is not null || (State is { } state && FailedStates.Contains(state));

    /// <summary>True when the import ended, well or badly; an unknown state name is "not yet".</summary>
    public bool Finished => Failed || (State is { } state && DoneStates.Contains(state));

    /// <summary>Reads an import document's <c>data</c>; null when the body is not one.</summary>
    public static ImportStatus? Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object || ReadId(data) is not { } id)
            {
                return null;
            }

            var attributes = data.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
            return new ImportStatus(id, Text(attributes, "state"), Number(attributes, "total"), Number(attributes, "failures"), Number(attributes, "dupes"), Text(attributes, "errorReason"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long? ReadId(JsonElement data) => data.TryGetProperty("id", out var id) ? id.ValueKind switch
    {
        JsonValueKind.Number when id.TryGetInt64(out var number) && number > 0 => number,
        JsonValueKind.String when long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 => number,
        _ => null,
    } : null;

    private static string? Text(JsonElement attributes, string name) =>
        attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement attributes, string name) =>
        attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}

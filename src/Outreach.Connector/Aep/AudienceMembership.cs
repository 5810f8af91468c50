using System.Text.Json;

namespace Outreach.Connector.Aep;

/// <summary>One entry of a profile's <c>segmentMembership</c>: the status of the profile in one audience.</summary>
/// <param name="Namespace">The membership namespace (<c>ups</c>, or another such as <c>CustomerAudienceUpload</c>).</param>
/// <param name="AudienceId">The audience id.</param>
/// <param name="Status">The status.</param>
/// <param name="LastQualificationTime">When the status was last evaluated; null when AEP sent none.</param>
/// <param name="Name">The audience name, present when "Include Segment Names" is on.</param>
/// <param name="UpdatedAt">The audience's <c>updatedAt</c> (epoch milliseconds), present when "Include Segment Timestamps" is on.</param>
public sealed record AudienceMembership(
    string Namespace,
    string AudienceId,
    AudienceStatus Status,
    DateTimeOffset? LastQualificationTime,
    string? Name,
    DateTimeOffset? UpdatedAt)
{
    /// <summary>
    /// Reads one membership object. Returns null with <paramref name="error"/> set (a message for the path in
    /// <paramref name="errorPath"/>) when the entry is malformed. <paramref name="profilePath"/> is the path of the
    /// profile; the entry's own path is only built for an error, so the common case allocates nothing for it.
    /// </summary>
    public static AudienceMembership? Read(string ns, string audienceId, JsonElement entry, string profilePath, out string? errorPath, out string? error)
    {
        (errorPath, error) = (null, null);
        var path = new LazyPath(profilePath, ns, audienceId);
        if (entry.ValueKind != JsonValueKind.Object)
        {
            (errorPath, error) = (path.Entry, "An audience membership must be an object with a status.");
            return null;
        }

        if (!entry.TryGetProperty("status", out var statusElement) || statusElement.ValueKind != JsonValueKind.String)
        {
            (errorPath, error) = (path.Member("status"), "The membership status is missing or not text; expected realized, existing or exited.");
            return null;
        }

        if (!TryParseStatus(statusElement, out var status))
        {
            (errorPath, error) = (path.Member("status"), $"Unknown membership status '{Truncate(statusElement.GetString())}'; expected realized, existing or exited.");
            return null;
        }

        DateTimeOffset? qualified = null;
        if (entry.TryGetProperty("lastQualificationTime", out var timeElement) && timeElement.ValueKind != JsonValueKind.Null)
        {
            if (!AepTimestamp.TryRead(timeElement, out var time))
            {
                (errorPath, error) = (path.Member("lastQualificationTime"),
                    "lastQualificationTime is not a time; expected e.g. 2025-03-02T10:15:00Z, 2025-03-02T10:15:00+0000 or epoch milliseconds.");
                return null;
            }

            qualified = time;
        }

        var name = entry.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString() : null;
        DateTimeOffset? updatedAt = entry.TryGetProperty("updatedAt", out var updatedElement) && AepTimestamp.TryRead(updatedElement, out var updated)
            ? updated
            : null;
        return new AudienceMembership(ns, audienceId, status, qualified, name, updatedAt);
    }

    private readonly record struct LazyPath(string ProfilePath, string Namespace, string AudienceId)
    {
        public string Entry => JsonPath.Property(JsonPath.Property(JsonPath.Property(ProfilePath, "segmentMembership"), Namespace), AudienceId);

        public string Member(string name) => JsonPath.Property(Entry, name);
    }

    private static bool TryParseStatus(JsonElement element, out AudienceStatus status)
    {
        // Exact, lower-case values are what AEP sends; compare on the UTF-8 bytes to avoid allocating a string.
        if (element.ValueEquals("realized"u8))
        {
            status = AudienceStatus.Realized;
            return true;
        }

        if (element.ValueEquals("existing"u8))
        {
            status = AudienceStatus.Existing;
            return true;
        }

        if (element.ValueEquals("exited"u8))
        {
            status = AudienceStatus.Exited;
            return true;
        }

        // Tolerate other casing ("Realized"), but never numbers, which Enum.TryParse would accept.
        var text = element.GetString();
        foreach (var candidate in Enum.GetValues<AudienceStatus>())
        {
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    private static string Truncate(string? text) => text is { Length: > 40 } ? text[..40] + "…" : text ?? "";
}

using System.Text.Json;
using Outreach.Connector.Aep;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Mapping;

/// <summary>
/// Turns one AEP profile into at most one <see cref="ProspectUpdate"/> through the destination mapping.
/// </summary>
/// <remarks>
/// An audience field takes the time of that audience's <c>lastQualificationTime</c> (the receipt time when AEP sent
/// none); a mapped attribute takes the export's receipt time. The prospect is named by its Outreach id or, with an
/// email mapping, by the normalized email that delivery resolves. Unmapped audiences are ignored, as AEP may export
/// memberships the marketer never mapped (docs/reference/aep.md §1.2). A malformed profile is <em>invalid</em> with the
/// path of the problem; a well-formed profile with nothing to write is <em>excluded</em> with a reason code.
/// </remarks>
public sealed class ProfileTranslator(CompiledMapping mapping)
{
    /// <summary>Translates one profile of an export.</summary>
    public ProfileOutcome Translate(AepProfileElement profile, DateTimeOffset receivedAt)
    {
        var (index, path, element) = (profile.Index, profile.Path, profile.Element);
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new ProfileOutcome.Invalid(index, path, path, "A profile must be a JSON object.");
        }

        var identity = ProfileIdentityReader.Read(mapping, element, path);
        if (identity.Kind == ProfileIdentityReader.Kind.Invalid)
        {
            return new ProfileOutcome.Invalid(index, path, identity.ErrorPath, identity.Detail);
        }

        var fields = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        var membershipError = AddAudienceFields(element, path, receivedAt, fields);
        if (membershipError is not null)
        {
            return membershipError with { Index = index };
        }

        foreach (var attribute in mapping.Attributes)
        {
            switch (AttributeValueReader.Read(element, path, attribute, out var value, out var errorPath, out var error))
            {
                case AttributeValueReader.ReadOutcome.Invalid:
                    return new ProfileOutcome.Invalid(index, path, errorPath, error);
                case AttributeValueReader.ReadOutcome.Value:
                    fields[attribute.Target] = new FieldChange(value, receivedAt);
                    break;
            }
        }

        return identity.Kind switch
        {
            ProfileIdentityReader.Kind.Excluded => new ProfileOutcome.Excluded(index, path, identity.Reason, identity.Detail),
            _ when fields.Count == 0 => new ProfileOutcome.Excluded(index, path, ExclusionReasons.NothingMapped,
                "The profile has no mapped audience and no mapped attribute with a value."),
            _ => new ProfileOutcome.Accepted(index, path, new ProspectUpdate(identity.ProspectId, fields, receivedAt) { Email = identity.Email }),
        };
    }

    // Returns an Invalid outcome (index filled in by the caller) when a mapped membership is malformed.
    private ProfileOutcome.Invalid? AddAudienceFields(JsonElement profile, string path, DateTimeOffset receivedAt, Dictionary<string, FieldChange> fields)
    {
        if (!profile.TryGetProperty("segmentMembership", out var membership) || membership.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (membership.ValueKind != JsonValueKind.Object)
        {
            return new ProfileOutcome.Invalid(0, path, JsonPath.Property(path, "segmentMembership"), "segmentMembership must be an object of namespaces (such as ups) to audiences.");
        }

        foreach (var ns in membership.EnumerateObject())
        {
            if (ns.Value.ValueKind != JsonValueKind.Object)
            {
                return new ProfileOutcome.Invalid(0, path, JsonPath.Property(JsonPath.Property(path, "segmentMembership"), ns.Name), "A membership namespace must be an object of audience ids to memberships.");
            }

            foreach (var entry in ns.Value.EnumerateObject())
            {
                if (!mapping.TryGetAudience(entry, out var audience))
                {
                    continue;
                }

                var read = AudienceMembership.Read(ns.Name, audience.AudienceId, entry.Value, path, out var errorPath, out var error);
                if (read is null)
                {
                    return new ProfileOutcome.Invalid(0, path, errorPath!, error!);
                }

                var observedAt = read.LastQualificationTime ?? receivedAt;
                var field = audience.FieldName;

                // The same audience can appear under two namespaces; the newest evaluation wins.
                if (!fields.TryGetValue(field, out var existing) || existing.ObservedAt < observedAt)
                {
                    fields[field] = new FieldChange(StatusValue(read.Status), observedAt, audience.AudienceId);
                }
            }
        }

        return null;
    }

    private FieldValue StatusValue(AudienceStatus status) => status switch
    {
        AudienceStatus.Realized => mapping.Realized,
        AudienceStatus.Existing => mapping.Existing,
        _ => mapping.Exited,
    };
}

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

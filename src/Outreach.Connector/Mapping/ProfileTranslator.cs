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

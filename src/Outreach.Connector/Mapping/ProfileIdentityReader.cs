using System.Text.Json;

namespace Outreach.Connector.Mapping;

/// <summary>
/// Decides which prospect a profile updates under the mapping's <see cref="IdentityMatch"/>: an Outreach id, or a
/// normalized email that delivery resolves (ingest never calls Outreach).
/// </summary>
internal static class ProfileIdentityReader
{
    /// <summary>What the profile's identity is.</summary>
    internal enum Kind
    {
        /// <summary>An Outreach prospect id.</summary>
        ProspectId,

        /// <summary>A normalized email, to be resolved at delivery.</summary>
        Email,

        /// <summary>Well-formed, but no usable identity; <see cref="ProfileIdentity.Reason"/> says why.</summary>
        Excluded,

        /// <summary>Malformed at <see cref="ProfileIdentity.ErrorPath"/>.</summary>
        Invalid,
    }

    /// <summary>The identity of one profile.</summary>
    internal readonly record struct ProfileIdentity(Kind Kind, long ProspectId, string? Email, string Reason, string ErrorPath, string Detail);

    internal static ProfileIdentity Read(CompiledMapping mapping, JsonElement profile, string profilePath) =>
        mapping.Match == IdentityMatch.OutreachId
            ? ReadOutreachId(profile, profilePath, mapping.IdentityNamespace!)
            : ReadEmail(mapping, profile, profilePath);

    private static ProfileIdentity ReadOutreachId(JsonElement profile, string profilePath, string identityNamespace)
    {
        var finding = OutreachIdentityReader.Find(profile, profilePath, identityNamespace, out var prospectId, out var detail);
        return finding switch
        {
            OutreachIdentityReader.Finding.Found => new(Kind.ProspectId, prospectId, null, "", "", ""),
            OutreachIdentityReader.Finding.Malformed => Malformed(detail),
            OutreachIdentityReader.Finding.Missing => Excluded(ExclusionReasons.NoOutreachIdentity, detail),
            OutreachIdentityReader.Finding.NotPositiveInteger => Excluded(ExclusionReasons.IdentityNotPositiveInteger, detail),
            _ => Excluded(ExclusionReasons.ConflictingOutreachIdentities, detail),
        };
    }

    private static ProfileIdentity ReadEmail(CompiledMapping mapping, JsonElement profile, string profilePath)
    {
        // The id wins when the profile carries one; an unusable id falls back to the email rather than losing the profile.
        if (mapping.OutreachIdNamespace is { } idNamespace)
        {
            var finding = OutreachIdentityReader.Find(profile, profilePath, idNamespace, out var prospectId, out var detail);
            if (finding == OutreachIdentityReader.Finding.Found)
            {
                return new(Kind.ProspectId, prospectId, null, "", "", "");
            }

            if (finding == OutreachIdentityReader.Finding.Malformed)
            {
                return Malformed(detail);
            }
        }

        string email, errorPath, emailDetail;
        var emailFinding = mapping.EmailSource is { } source
            ? EmailIdentityReader.FromPath(profile, profilePath, source, out email, out errorPath, out emailDetail)
            : EmailIdentityReader.FromNamespace(profile, profilePath, mapping.EmailNamespace!, out email, out errorPath, out emailDetail);
        return emailFinding switch
        {
            EmailIdentityReader.Finding.Found => new(Kind.Email, 0, email, "", "", ""),
            EmailIdentityReader.Finding.Missing => Excluded(ExclusionReasons.NoEmailIdentity, emailDetail),
            EmailIdentityReader.Finding.Malformed => Malformed(errorPath),
            _ => new(Kind.Invalid, 0, null, "", errorPath, emailDetail),
        };
    }

    private static ProfileIdentity Malformed(string path) =>
        new(Kind.Invalid, 0, null, "", path, "An identityMap must map each namespace to a list of objects with an id.");

    private static ProfileIdentity Excluded(string reason, string detail) => new(Kind.Excluded, 0, null, reason, "", detail);
}

using System.Globalization;
using System.Text.Json;
using Outreach.Connector.EmailMatching;

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

/// <summary>Finds the Outreach prospect id in a profile's <c>identityMap</c>.</summary>
/// <remarks>
/// Namespace keys are matched case-insensitively: Adobe's own example exports lower-case keys (<c>oid</c>,
/// <c>ecid</c>) although the namespace codes are mixed-case (docs/reference/aep.md §1.5).
/// </remarks>
internal static class OutreachIdentityReader
{
    /// <summary>The result of looking for the prospect id.</summary>
    internal enum Finding
    {
        Found,
        Missing,
        NotPositiveInteger,
        Conflicting,
        Malformed,
    }

    internal static Finding Find(JsonElement profile, string profilePath, string identityNamespace, out long prospectId, out string detail)
    {
        prospectId = 0;
        detail = "";
        if (!profile.TryGetProperty("identityMap", out var identityMap) || identityMap.ValueKind == JsonValueKind.Null)
        {
            detail = $"The profile has no identityMap, so no {identityNamespace} identity.";
            return Finding.Missing;
        }

        if (identityMap.ValueKind != JsonValueKind.Object)
        {
            detail = Aep.JsonPath.Property(profilePath, "identityMap");
            return Finding.Malformed;
        }

        var sawAny = false;
        foreach (var ns in identityMap.EnumerateObject())
        {
            if (!ns.NameEquals(identityNamespace) && !string.Equals(ns.Name, identityNamespace, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Paths are built only for errors: the common case allocates nothing for them.
            string NamespacePath() => Aep.JsonPath.Property(Aep.JsonPath.Property(profilePath, "identityMap"), ns.Name);
            if (ns.Value.ValueKind != JsonValueKind.Array)
            {
                detail = NamespacePath();
                return Finding.Malformed;
            }

            var index = -1;
            foreach (var identity in ns.Value.EnumerateArray())
            {
                index++;
                if (identity.ValueKind != JsonValueKind.Object || !identity.TryGetProperty("id", out var idElement))
                {
                    detail = Aep.JsonPath.Index(NamespacePath(), index);
                    return Finding.Malformed;
                }

                sawAny = true;
                if (!TryParseProspectId(idElement, out var id))
                {
                    detail = $"The {ns.Name} identity at {Aep.JsonPath.Property(Aep.JsonPath.Index(NamespacePath(), index), "id")} is not a positive whole number, so it cannot be an Outreach prospect id.";
                    return Finding.NotPositiveInteger;
                }

                if (prospectId != 0 && prospectId != id)
                {
                    detail = string.Create(CultureInfo.InvariantCulture, $"The profile carries two different {ns.Name} identities ({prospectId} and {id}).");
                    return Finding.Conflicting;
                }

                prospectId = id;
            }
        }

        if (!sawAny)
        {
            detail = $"The profile has no {identityNamespace} identity in its identityMap.";
            return Finding.Missing;
        }

        return Finding.Found;
    }

    // Digits only (no sign, no spaces, no decimals), within long, above zero. Numbers are accepted as well as strings.
    private static bool TryParseProspectId(JsonElement element, out long id)
    {
        id = 0;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return element.TryGetInt64(out id) && id > 0;
            case JsonValueKind.String:
                var text = element.GetString();
                return text is { Length: > 0 and <= 19 }
                    && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id)
                    && id > 0;
            default:
                return false;
        }
    }
}

/// <summary>Finds a profile's email, from an <c>identityMap</c> namespace or an XDM path, and normalizes it.</summary>
/// <remarks>
/// A namespace may list several emails of one person: the one AEP flags <c>primary</c> is used, else the first. Only
/// that one is checked, so a stale second address does not refuse the profile. Messages never contain the address.
/// </remarks>
internal static class EmailIdentityReader
{
    /// <summary>The result of looking for the email.</summary>
    internal enum Finding
    {
        Found,
        Missing,
        Invalid,
        Malformed,
    }

    /// <summary>Reads the email from the identity namespace <paramref name="emailNamespace"/>.</summary>
    internal static Finding FromNamespace(JsonElement profile, string profilePath, string emailNamespace, out string email, out string errorPath, out string detail)
    {
        email = "";
        errorPath = "";
        detail = "";
        if (!profile.TryGetProperty("identityMap", out var identityMap) || identityMap.ValueKind == JsonValueKind.Null)
        {
            detail = $"The profile has no identityMap, so no {emailNamespace} identity.";
            return Finding.Missing;
        }

        if (identityMap.ValueKind != JsonValueKind.Object)
        {
            errorPath = Aep.JsonPath.Property(profilePath, "identityMap");
            return Finding.Malformed;
        }

        foreach (var ns in identityMap.EnumerateObject())
        {
            if (!string.Equals(ns.Name, emailNamespace, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var namespacePath = Aep.JsonPath.Property(Aep.JsonPath.Property(profilePath, "identityMap"), ns.Name);
            if (ns.Value.ValueKind != JsonValueKind.Array)
            {
                errorPath = namespacePath;
                return Finding.Malformed;
            }

            var first = -1;
            var primary = -1;
            var index = -1;
            foreach (var identity in ns.Value.EnumerateArray())
            {
                index++;
                if (identity.ValueKind != JsonValueKind.Object || !identity.TryGetProperty("id", out _))
                {
                    errorPath = Aep.JsonPath.Index(namespacePath, index);
                    return Finding.Malformed;
                }

                first = first < 0 ? index : first;
                if (primary < 0 && identity.TryGetProperty("primary", out var flag) && flag.ValueKind == JsonValueKind.True)
                {
                    primary = index;
                }
            }

            var chosen = primary >= 0 ? primary : first;
            if (chosen < 0)
            {
                continue;
            }

            var idPath = Aep.JsonPath.Property(Aep.JsonPath.Index(namespacePath, chosen), "id");
            return Normalize(ns.Value[chosen].GetProperty("id"), idPath, out email, out errorPath, out detail);
        }

        detail = $"The profile has no {emailNamespace} identity in its identityMap.";
        return Finding.Missing;
    }

    /// <summary>Reads the email at the XDM path <paramref name="segments"/>.</summary>
    internal static Finding FromPath(JsonElement profile, string profilePath, IReadOnlyList<string> segments, out string email, out string errorPath, out string detail)
    {
        email = "";
        errorPath = "";
        detail = "";
        var element = profile;
        foreach (var segment in segments)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
            {
                detail = $"The profile has no email at {string.Join('.', segments)}.";
                return Finding.Missing;
            }
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            detail = $"The profile has no email at {string.Join('.', segments)}.";
            return Finding.Missing;
        }

        return Normalize(element, segments.Aggregate(profilePath, Aep.JsonPath.Property), out email, out errorPath, out detail);
    }

    private static Finding Normalize(JsonElement value, string path, out string email, out string errorPath, out string detail)
    {
        email = "";
        errorPath = path;
        if (value.ValueKind != JsonValueKind.String)
        {
            detail = "An email identity must be text.";
            return Finding.Invalid;
        }

        if (!NormalizedEmail.TryNormalize(value.GetString(), out email, out detail))
        {
            return Finding.Invalid;
        }

        errorPath = "";
        return Finding.Found;
    }
}

using System.Globalization;
using System.Text.Json;

namespace Outreach.Connector.Mapping;

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

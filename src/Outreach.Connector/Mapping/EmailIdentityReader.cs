using System.Text.Json;
using Outreach.Connector.EmailMatching;

namespace Outreach.Connector.Mapping;

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

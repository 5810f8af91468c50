using System.Globalization;

namespace Outreach.Connector.Aep;

/// <summary>Builds the JSON paths used in error messages (<c>$[2].segmentMembership.ups['aaaa-1'].status</c>).</summary>
public static class JsonPath
{
    /// <summary>The path of a property under <paramref name="parent"/>; bracket notation when the name is not a plain identifier.</summary>
    public static string Property(string parent, string name) =>
        IsIdentifier(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>The path of an array item under <paramref name="parent"/>.</summary>
    public static string Index(string parent, int index) => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]");

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}

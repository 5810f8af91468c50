using System.Collections.Frozen;
using System.Globalization;

namespace Outreach.Sandbox.Prospects;

/// <summary>
/// The prospect attributes the sandbox accepts in a PATCH (docs/reference/outreach-api.md §3), and the read-only ones it refuses.
/// </summary>
/// <remarks>
/// Lengths from the OpenAPI are used where known (255 for names, 32000 for customN, 65535 for notes and website
/// URLs, 1000 for linkedInUrl); other strings are assumed to be 255 (a typical Rails string column), a sandbox choice.
/// </remarks>
internal static class ProspectAttributes
{
    public const int DefaultMaxLength = 255;
    public const int CustomFieldMaxLength = 32_000;
    public const int CustomFieldCount = 150;

    public static readonly FrozenDictionary<string, AttributeRule> Writable = BuildWritable();

    public static readonly FrozenSet<string> ReadOnly = FrozenSet.ToFrozenSet(
    [
        "callsOptedAt", "clickCount", "contactHistogram", "createdAt", "emailsOptedAt", "engagedAt", "engagedScore",
        "linkedInSlug", "name", "openCount", "optedOutAt", "replyCount", "timeZoneIana", "timeZoneInferred", "touchedAt", "updatedAt",
    ], StringComparer.Ordinal);

    /// <summary>The number N of a <c>customN</c> attribute name (any N, so out-of-range ones can be named in errors).</summary>
    public static int? CustomFieldNumber(string name) =>
        name.StartsWith("custom", StringComparison.Ordinal)
        && int.TryParse(name.AsSpan("custom".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && name.Length == "custom".Length + number.ToString(CultureInfo.InvariantCulture).Length
            ? number
            : null;

    private static FrozenDictionary<string, AttributeRule> BuildWritable()
    {
        var text = new AttributeRule(AttributeKind.String);
        var longText = new AttributeRule(AttributeKind.String, 65_535);
        var list = new AttributeRule(AttributeKind.StringArray);
        var rules = new Dictionary<string, AttributeRule>(StringComparer.Ordinal)
        {
            ["linkedInUrl"] = new(AttributeKind.String, 1000),
            ["score"] = new(AttributeKind.Number),
            ["optedOut"] = new(AttributeKind.Boolean),
            ["availableAt"] = new(AttributeKind.DateTime),
        };
        foreach (var name in new[]
        {
            "firstName", "lastName", "middleName", "nickname", "title", "occupation", "company",
            "addressStreet", "addressStreet2", "addressCity", "addressState", "addressZip", "addressCountry",
            "externalId", "externalOwner", "externalSource", "timeZone", "source", "region", "emailsOptStatus", "callsOptStatus",
        })
        {
            rules[name] = text;
        }

        foreach (var name in new[] { "personalNote1", "personalNote2", "websiteUrl1", "websiteUrl2", "websiteUrl3" })
        {
            rules[name] = longText;
        }

        foreach (var name in new[] { "emails", "tags", "workPhones", "mobilePhones", "homePhones", "otherPhones", "voipPhones" })
        {
            rules[name] = list;
        }

        for (var n = 1; n <= CustomFieldCount; n++)
        {
            rules[string.Create(CultureInfo.InvariantCulture, $"custom{n}")] = new(AttributeKind.String, CustomFieldMaxLength);
        }

        return rules.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

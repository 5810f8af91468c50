using System.Collections.Frozen;
using System.Globalization;

namespace Outreach.Connector.Outreach;

/// <summary>The prospect attributes the connector may write, with their type and maximum length.</summary>
/// <remarks>Source: docs/reference/outreach-api.md §3 (writable common attributes, custom1..custom150 as strings of at most 32,000).</remarks>
public static class OutreachProspectAttributes
{
    /// <summary>The lowest custom field number.</summary>
    public const int FirstCustomField = 1;

    /// <summary>The highest custom field number Outreach has on prospects.</summary>
    public const int LastCustomField = 150;

    /// <summary>The maximum length of a custom field value.</summary>
    public const int CustomFieldMaxLength = 32000;

    private const int NameMaxLength = 255;
    private const int LongTextMaxLength = 65535;

    private static readonly FrozenDictionary<string, (OutreachAttributeKind Kind, int MaxLength)> Writable =
        new Dictionary<string, (OutreachAttributeKind, int)>(StringComparer.Ordinal)
        {
            ["firstName"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["lastName"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["middleName"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["nickname"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["title"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["occupation"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["company"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["emails"] = (OutreachAttributeKind.TextList, NameMaxLength),
            ["workPhones"] = (OutreachAttributeKind.TextList, NameMaxLength),
            ["mobilePhones"] = (OutreachAttributeKind.TextList, NameMaxLength),
            ["homePhones"] = (OutreachAttributeKind.TextList, NameMaxLength),
            ["otherPhones"] = (OutreachAttributeKind.TextList, NameMaxLength),
            ["voipPhones"] = (OutreachAttributeKind.TextList, NameMaxLength),
            ["addressStreet"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["addressStreet2"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["addressCity"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["addressState"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["addressZip"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["addressCountry"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["tags"] = (OutreachAttributeKind.TextList, NameMaxLength),
            ["externalId"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["externalOwner"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["externalSource"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["timeZone"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["personalNote1"] = (OutreachAttributeKind.Text, LongTextMaxLength),
            ["personalNote2"] = (OutreachAttributeKind.Text, LongTextMaxLength),
            ["linkedInUrl"] = (OutreachAttributeKind.Text, 1000),
            ["websiteUrl1"] = (OutreachAttributeKind.Text, LongTextMaxLength),
            ["websiteUrl2"] = (OutreachAttributeKind.Text, LongTextMaxLength),
            ["websiteUrl3"] = (OutreachAttributeKind.Text, LongTextMaxLength),
            ["score"] = (OutreachAttributeKind.Number, 0),
            ["source"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["region"] = (OutreachAttributeKind.Text, NameMaxLength),
            ["optedOut"] = (OutreachAttributeKind.Boolean, 0),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The names of the writable common attributes (custom fields excluded), sorted, for messages.</summary>
    public static IReadOnlyList<string> CommonAttributeNames { get; } = [.. Writable.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The prospect field for custom field number N.</summary>
    public static string CustomFieldName(int number) => string.Create(CultureInfo.InvariantCulture, $"custom{number}");

    /// <summary>Reads N from a field name <c>customN</c> with N in 1..150; false for anything else.</summary>
    public static bool TryParseCustomField(string name, out int number)
    {
        number = 0;
        return name is not null
            && name.StartsWith("custom", StringComparison.Ordinal)
            && name.Length > "custom".Length
            && name["custom".Length] != '0'
            && int.TryParse(name.AsSpan("custom".Length), NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && number is >= FirstCustomField and <= LastCustomField;
    }

    /// <summary>Finds the type and maximum length of a writable attribute (including custom fields).</summary>
    public static bool TryGet(string name, out OutreachAttributeKind kind, out int maxLength)
    {
        if (TryParseCustomField(name, out _))
        {
            (kind, maxLength) = (OutreachAttributeKind.Text, CustomFieldMaxLength);
            return true;
        }

        var found = Writable.TryGetValue(name, out var entry);
        (kind, maxLength) = entry;
        return found;
    }
}

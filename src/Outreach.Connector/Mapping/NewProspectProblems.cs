using System.Globalization;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Mapping;

/// <summary>
/// The prospect-creation part of <see cref="DestinationMappingValidator"/> (<c>createProspects</c>,
/// <c>newProspectDefaults</c>), and the compiling of the defaults into the values a create carries.
/// </summary>
internal static class NewProspectProblems
{
    /// <summary>The key of <c>newProspectDefaults</c> naming the owner (a relationship in Outreach, not an attribute).</summary>
    internal const string OwnerIdKey = "ownerId";

    internal static bool IsTrue(string? value) => bool.TryParse(value?.Trim(), out var on) && on;

    internal static void Check(DestinationMapping mapping, List<string> problems)
    {
        var create = false;
        if (!string.IsNullOrWhiteSpace(mapping.CreateProspects) && !bool.TryParse(mapping.CreateProspects.Trim(), out create))
        {
            problems.Add($"createProspects is '{mapping.CreateProspects}'; use true (create a prospect for an email no prospect holds) or false.");
            return;
        }

        if (create && IdentityMatchNames.TryParse(mapping.IdentityMatch, out var match) && match != IdentityMatch.Email)
        {
            problems.Add("createProspects is true, but profiles are matched by Outreach ID: a prospect can only be created from an email, so set identityMatch to email or remove createProspects.");
        }

        if (!create && mapping.NewProspectDefaults.Count > 0)
        {
            problems.Add("newProspectDefaults is set, but createProspects is not true: the defaults are only used for new prospects; set createProspects to true or remove them.");
        }

        var audienceFields = mapping.Audiences.Select(a => OutreachProspectAttributes.CustomFieldName(a.MappingId)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in mapping.NewProspectDefaults)
        {
            if (Problem(name, value, audienceFields) is { } problem)
            {
                problems.Add(problem);
            }
        }
    }

    /// <summary>The defaults as Outreach values, and the owner; only called on a mapping without problems.</summary>
    internal static IReadOnlyDictionary<string, FieldValue> Compile(IDictionary<string, string?> defaults, out long? ownerId)
    {
        ownerId = null;
        var values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (var (name, value) in defaults)
        {
            if (string.Equals(name, OwnerIdKey, StringComparison.OrdinalIgnoreCase))
            {
                ownerId = long.Parse(value!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            }
            else if (OutreachProspectAttributes.TryGet(name, out var kind, out var maxLength) && TryConvert(value ?? "", kind, maxLength, out var converted))
            {
                values[OutreachProspectAttributes.CommonAttributeNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) ?? name] = converted;
            }
        }

        return values;
    }

    private static string? Problem(string name, string? value, HashSet<string> audienceFields)
    {
        var where = $"newProspectDefaults.{name}";
        if (string.Equals(name, OwnerIdKey, StringComparison.OrdinalIgnoreCase))
        {
            return long.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                ? null
                : $"{where} is '{value}'; use the number of the Outreach user who should own new prospects (e.g. 12).";
        }

        if (string.Equals(name, "emails", StringComparison.OrdinalIgnoreCase))
        {
            return $"{where}: a new prospect's email is the one of its profile; remove emails from the defaults.";
        }

        if (audienceFields.Contains(name))
        {
            return $"{where}: {name} shows an audience's status; remove it from the defaults.";
        }

        if (!OutreachProspectAttributes.TryGet(name, out var kind, out var maxLength))
        {
            var nearest = ConfigurationKeys.Nearest(name, OutreachProspectAttributes.CommonAttributeNames.Append(OwnerIdKey));
            return $"{where}: {name} is not an Outreach prospect attribute" + (nearest is null ? "." : $"; did you mean {nearest}?");
        }

        return TryConvert(value ?? "", kind, maxLength, out _) ? null : kind switch
        {
            OutreachAttributeKind.Number => $"{where} is '{value}'; {name} takes a number.",
            OutreachAttributeKind.Boolean => $"{where} is '{value}'; {name} takes true or false.",
            _ => $"{where} is empty or longer than {maxLength} characters.",
        };
    }

    private static bool TryConvert(string text, OutreachAttributeKind kind, int maxLength, out FieldValue value)
    {
        value = FieldValue.FromString(text);
        switch (kind)
        {
            case OutreachAttributeKind.TextList:
                // Written as a comma-separated list in the mapping: "aep, webinar".
                var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                value = FieldValue.Parse("[" + string.Join(",", items.Select(i => FieldValue.FromString(i).Json)) + "]");
                return items.Length > 0 && items.All(i => i.Length <= maxLength);
            case OutreachAttributeKind.Number:
                var isNumber = decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var number);
                value = isNumber ? FieldValue.Parse(number.ToString(CultureInfo.InvariantCulture)) : value;
                return isNumber;
            case OutreachAttributeKind.Boolean:
                var isBoolean = bool.TryParse(text.Trim(), out var flag);
                value = isBoolean ? FieldValue.Parse(flag ? "true" : "false") : value;
                return isBoolean;
            default:
                value = FieldValue.FromString(text.Trim());
                return text.Trim().Length is > 0 and var length && length <= maxLength;
        }
    }
}

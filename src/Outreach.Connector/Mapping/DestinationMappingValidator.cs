using Microsoft.Extensions.Options;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Mapping;

/// <summary>
/// Checks a <see cref="DestinationMapping"/> at start and explains every problem in the words a marketer uses in
/// AEP and Outreach ("audience 'High intent' has mapping ID 151; Outreach has custom fields 1 to 150").
/// </summary>
public sealed class DestinationMappingValidator : IValidateOptions<DestinationMapping>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DestinationMapping options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem of the mapping, one sentence each; empty when the mapping is usable.</summary>
    public static IReadOnlyList<string> Problems(DestinationMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var problems = new List<string>(mapping.KeyProblems);
        IdentityProblems.Check(mapping, problems);
        NewProspectProblems.Check(mapping, problems);
        SequenceProblems.Check(mapping, problems);

        if (mapping.Audiences.Count == 0 && mapping.Attributes.Count == 0)
        {
            problems.Add("The mapping has no audiences and no attributes, so nothing would ever be written to Outreach.");
        }

        var customFieldOwners = CheckAudiences(mapping.Audiences, problems);
        CheckAttributes(mapping.Attributes, customFieldOwners, problems);
        CheckStatusValues(mapping.StatusValues, problems);
        return problems;
    }

    private static Dictionary<int, AudienceMapping> CheckAudiences(IList<AudienceMapping> audiences, List<string> problems)
    {
        var byMappingId = new Dictionary<int, AudienceMapping>();
        var seenIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < audiences.Count; i++)
        {
            var audience = audiences[i];
            if (string.IsNullOrWhiteSpace(audience.AudienceId))
            {
                problems.Add($"Audience #{i + 1}{NamePart(audience.Name)} has no audience ID: copy it from the audience's page in AEP.");
                continue;
            }

            if (!seenIds.Add(audience.AudienceId))
            {
                problems.Add($"Audience '{audience.DisplayName}' is mapped twice; map each audience to one custom field.");
                continue;
            }

            if (audience.MappingId is < OutreachProspectAttributes.FirstCustomField or > OutreachProspectAttributes.LastCustomField)
            {
                problems.Add(
                    $"Audience '{audience.DisplayName}' has mapping ID {audience.MappingId}; Outreach has custom fields " +
                    $"{OutreachProspectAttributes.FirstCustomField} to {OutreachProspectAttributes.LastCustomField}.");
                continue;
            }

            if (byMappingId.TryGetValue(audience.MappingId, out var other))
            {
                problems.Add(
                    $"Audiences '{other.DisplayName}' and '{audience.DisplayName}' both use mapping ID {audience.MappingId}; " +
                    "each audience needs its own custom field.");
                continue;
            }

            byMappingId[audience.MappingId] = audience;
        }

        return byMappingId;
    }

    private static void CheckAttributes(IList<AttributeMapping> attributes, Dictionary<int, AudienceMapping> customFieldOwners, List<string> problems)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            var source = attribute.Source?.Trim() ?? "";
            var target = attribute.Target?.Trim() ?? "";
            if (source.Length == 0 || source.Split('.').Any(segment => segment.Length == 0))
            {
                problems.Add($"The attribute mapped to '{target}' has no usable source path; write it as an XDM path such as person.name.firstName.");
                continue;
            }

            if (!OutreachProspectAttributes.TryGet(target, out _, out _))
            {
                problems.Add(
                    $"'{source}' is mapped to '{target}', which is not a prospect attribute Outreach lets the connector write. " +
                    $"Use custom1 to custom150 or one of: {string.Join(", ", OutreachProspectAttributes.CommonAttributeNames)}.");
                continue;
            }

            if (OutreachProspectAttributes.TryParseCustomField(target, out var number) && customFieldOwners.TryGetValue(number, out var owner))
            {
                problems.Add(
                    $"'{source}' is mapped to {target}, but {target} already shows audience '{owner.DisplayName}' (mapping ID {number}); " +
                    "pick a custom field no audience uses.");
                continue;
            }

            if (targets.TryGetValue(target, out var otherSource))
            {
                problems.Add($"'{otherSource}' and '{source}' are both mapped to '{target}'; each Outreach attribute can take one source.");
                continue;
            }

            targets[target] = source;
        }
    }

    private static void CheckStatusValues(StatusValues? values, List<string> problems)
    {
        if (values is null)
        {
            problems.Add("The status values are missing: set the text written for realized, existing and exited.");
            return;
        }

        foreach (var (status, text) in new[] { ("realized", values.Realized), ("existing", values.Existing), ("exited", values.Exited) })
        {
            if (string.IsNullOrEmpty(text))
            {
                problems.Add($"The text written for status '{status}' is empty; Outreach would show nothing for it.");
            }
            else if (text.Length > OutreachProspectAttributes.CustomFieldMaxLength)
            {
                problems.Add($"The text written for status '{status}' is longer than the {OutreachProspectAttributes.CustomFieldMaxLength} characters a custom field holds.");
            }
        }
    }

    private static string NamePart(string? name) => string.IsNullOrWhiteSpace(name) ? "" : $" ('{name}')";
}

using System.Globalization;
using System.Text.RegularExpressions;
using Outreach.Connector.Outreach;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Delivery.Ledger;

/// <summary>
/// Turns Outreach's rejection into a sentence that names the attribute and, for <c>customN</c>, the AEP audience and
/// mapping ID N: the information an operator needs and that Adobe's own destination reduces to "Bad request".
/// </summary>
public static partial class RejectionExplanation
{
    /// <summary>The attribute an error's source pointer names, with the audience and mapping ID for <c>customN</c>; null when it names none.</summary>
    public static RejectedField? Locate(OutreachError error, ProspectUpdate update)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(update);
        var pointer = error.SourcePointer is null ? null : AttributePointer().Match(error.SourcePointer);
        if (pointer is not { Success: true })
        {
            return null;
        }

        var field = pointer.Groups["field"].Value;
        var custom = CustomField().Match(field);
        if (!custom.Success || !int.TryParse(custom.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var mappingId))
        {
            return new RejectedField(field, null, null);
        }

        var audienceId = update.Fields.TryGetValue(field, out var change) ? change.AudienceId : null;
        return new RejectedField(field, audienceId, mappingId);
    }

    /// <summary>The error that best names the cause: the first one pointing at an attribute, else the first one.</summary>
    public static OutreachError? PrimaryError(IReadOnlyList<OutreachError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.FirstOrDefault(e => e.SourcePointer is not null && AttributePointer().IsMatch(e.SourcePointer))
            ?? (errors.Count > 0 ? errors[0] : null);
    }

    /// <summary>
    /// One sentence per error, e.g. <c>Outreach rejected custom7 (audience 'aud-123', mapping ID 7): Custom7 is too long.</c>
    /// Carries Outreach's own words, never the rejected value.
    /// </summary>
    public static string Describe(OutreachCallOutcome.Permanent outcome, ProspectUpdate update)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(update);
        if (outcome.Errors.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Outreach rejected the update of prospect {update.ProspectId} (HTTP {outcome.StatusCode}) without an error description.");
        }

        return string.Join("; ", outcome.Errors.Select(error => DescribeOne(error, outcome.StatusCode, update)));
    }

    private static string DescribeOne(OutreachError error, int statusCode, ProspectUpdate update)
    {
        var reason = error.Detail ?? error.Title ?? error.Id ?? "no detail given";
        var located = Locate(error, update);
        return located switch
        {
            { MappingId: { } mappingId, AudienceId: { } audienceId } =>
                string.Create(CultureInfo.InvariantCulture, $"Outreach rejected {located.Field} (audience '{audienceId}', mapping ID {mappingId}): {reason}"),
            { MappingId: { } mappingId } =>
                string.Create(CultureInfo.InvariantCulture, $"Outreach rejected {located.Field} (mapping ID {mappingId}, audience not in the update): {reason}"),
            not null => $"Outreach rejected {located.Field}: {reason}",
            null => string.Create(CultureInfo.InvariantCulture,
                $"Outreach rejected the update of prospect {update.ProspectId} (HTTP {statusCode}{(error.Id is null ? string.Empty : " " + error.Id)}): {reason}"),
        };
    }

    [GeneratedRegex("^/data/attributes/(?<field>[^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributePointer();

    [GeneratedRegex("^custom(?<n>[1-9][0-9]{0,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomField();
}

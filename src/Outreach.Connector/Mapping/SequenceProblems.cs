using System.Globalization;

namespace Outreach.Connector.Mapping;

/// <summary>
/// The sequence part of <see cref="DestinationMappingValidator"/> (each audience's <c>sequence</c> and
/// <c>enrolExisting</c>), and the compiling of them into <see cref="SequenceRule"/>s.
/// </summary>
/// <remarks>
/// Only the shape is checked here, at start; whether the sequence and mailbox exist in Outreach is checked when the
/// connection is made and on health (<c>Delivery/Operations/SequenceEnrolment/SequenceReadiness</c>).
/// </remarks>
internal static class SequenceProblems
{
    internal static void Check(DestinationMapping mapping, List<string> problems)
    {
        foreach (var audience in mapping.Audiences)
        {
            var name = audience.DisplayName;
            var enrolExistingIsValid = string.IsNullOrWhiteSpace(audience.EnrolExisting) || bool.TryParse(audience.EnrolExisting.Trim(), out _);
            if (!enrolExistingIsValid)
            {
                problems.Add($"Audience '{name}' has enrolExisting '{audience.EnrolExisting}'; use true (also enrol the prospects already in the audience when it was activated) or false.");
            }

            if (audience.Sequence is not { } sequence)
            {
                if (enrolExistingIsValid && NewProspectProblems.IsTrue(audience.EnrolExisting))
                {
                    problems.Add($"Audience '{name}' has enrolExisting true but no sequence: add \"sequence\": {{ \"id\": …, \"mailboxId\": … }} or remove enrolExisting.");
                }

                continue;
            }

            if (Id(sequence.Id) is null)
            {
                problems.Add(string.IsNullOrWhiteSpace(sequence.Id)
                    ? $"Audience '{name}' has a sequence without an id: use the number of the Outreach sequence (in its address, …/sequences/123)."
                    : $"Audience '{name}' has sequence id '{sequence.Id}'; use the number of the Outreach sequence (in its address, …/sequences/123).");
            }

            if (Id(sequence.MailboxId) is null)
            {
                problems.Add(string.IsNullOrWhiteSpace(sequence.MailboxId)
                    ? $"Audience '{name}' enrols in a sequence but names no mailboxId: the number of the Outreach mailbox that sends the sequence's emails."
                    : $"Audience '{name}' has sequence mailboxId '{sequence.MailboxId}'; use the number of the Outreach mailbox that sends the sequence's emails.");
            }

            if (!TryParseExit(sequence.OnExit, out _))
            {
                problems.Add($"Audience '{name}' has sequence onExit '{sequence.OnExit}'; use none (the sequence runs on), finish or pause (that one sequence only).");
            }

            // Enrolment tells "entered" from "was already in" and "left" by the text the status writes.
            var texts = mapping.StatusValues;
            if (texts is not null && (Same(texts.Realized, texts.Existing) || Same(texts.Realized, texts.Exited) || Same(texts.Existing, texts.Exited)))
            {
                problems.Add($"Audience '{name}' enrols in a sequence, so the texts written for realized, existing and exited must differ (statusValues): otherwise a prospect already in the audience could not be told from one who just entered.");
            }
        }
    }

    /// <summary>The rules of the audiences with a sequence; only called on a mapping without problems.</summary>
    internal static IReadOnlyList<SequenceRule> Compile(IEnumerable<AudienceMapping> audiences) =>
        [.. audiences.Where(a => a.Sequence is not null).Select(a =>
        {
            TryParseExit(a.Sequence!.OnExit, out var onExit);
            return new SequenceRule(a.AudienceId, a.DisplayName, a.MappingId, Id(a.Sequence.Id)!.Value, Id(a.Sequence.MailboxId)!.Value, onExit, NewProspectProblems.IsTrue(a.EnrolExisting));
        })];

    private static long? Id(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static bool TryParseExit(string? text, out SequenceExit exit)
    {
        exit = SequenceExit.None;
        return string.IsNullOrWhiteSpace(text) || (Enum.TryParse(text.Trim(), ignoreCase: true, out exit) && Enum.IsDefined(exit) && !text.Trim().All(char.IsDigit));
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);
}

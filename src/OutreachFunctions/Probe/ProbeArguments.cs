using System.Globalization;

namespace OutreachFunctions.Probe;

/// <summary>
/// The arguments of <c>probe-outreach</c>: the one test prospect and the field the bulk trials write, and/or the
/// sequence and mailbox whose readiness for enrolment is checked (read-only).
/// </summary>
/// <param name="ProspectId">The test prospect the user named; nothing else is ever written. Null: no prospect trials.</param>
/// <param name="Field">The attribute the bulk trials change and the probe restores (a custom field by default).</param>
public sealed record ProbeArguments(long? ProspectId, string Field)
{
    /// <summary>The field written when <c>--field</c> is not given.</summary>
    public const string DefaultField = "custom1";

    /// <summary>The test prospect of the prospect trials; only asked for when one was named.</summary>
    public long TestProspectId => ProspectId ?? throw new InvalidOperationException("No test prospect was named (--prospect-id).");

    /// <summary>The sequence to check (with <see cref="MailboxId"/>); null when not asked.</summary>
    public long? SequenceId { get; init; }

    /// <summary>The mailbox to check (with <see cref="SequenceId"/>); null when not asked.</summary>
    public long? MailboxId { get; init; }

    /// <summary>
    /// Reads <c>--prospect-id N</c>, <c>--field NAME</c>, <c>--sequence-id S</c> and <c>--mailbox-id M</c> from the
    /// arguments after the command name: a prospect, or a sequence with its mailbox, or both; false with the problem otherwise.
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, out ProbeArguments? arguments, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        arguments = null;
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        var field = DefaultField;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is not ("--prospect-id" or "--field" or "--sequence-id" or "--mailbox-id"))
            {
                problem = $"Unknown argument '{args[i]}'.";
                return false;
            }

            if (i + 1 >= args.Count)
            {
                problem = $"{args[i]} needs a value.";
                return false;
            }

            var name = args[i];
            var value = args[++i];
            if (name == "--field")
            {
                if (!IsFieldName(value))
                {
                    problem = "--field must be an attribute name such as custom1.";
                    return false;
                }

                field = value;
            }
            else if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            {
                ids[name] = parsed;
            }
            else
            {
                problem = $"{name} must be a positive {name[2..^3]} id.";
                return false;
            }
        }

        var sequence = ids.TryGetValue("--sequence-id", out var s) ? s : (long?)null;
        var mailbox = ids.TryGetValue("--mailbox-id", out var m) ? m : (long?)null;
        if ((sequence is null) != (mailbox is null))
        {
            problem = "--sequence-id and --mailbox-id go together: the sequence to enrol in and the mailbox that sends its emails.";
            return false;
        }

        var prospect = ids.TryGetValue("--prospect-id", out var p) ? p : (long?)null;
        if (prospect is null && sequence is null)
        {
            problem = "--prospect-id is required (the one test prospect the probe may change, and restores), unless --sequence-id and --mailbox-id are given.";
            return false;
        }

        arguments = new ProbeArguments(prospect, field) { SequenceId = sequence, MailboxId = mailbox };
        problem = "";
        return true;
    }

    private static bool IsFieldName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && char.IsAsciiLetter(value[0]);
}

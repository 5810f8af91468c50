using System.Globalization;

namespace OutreachFunctions.Probe;

/// <summary>The arguments of the prospect trials: the one test prospect, and the field the bulk trials write.</summary>
/// <param name="ProspectId">The test prospect the user named; nothing else is ever written.</param>
/// <param name="Field">The attribute the bulk trials change and the probe restores (a custom field by default).</param>
public sealed record ProbeArguments(long ProspectId, string Field)
{
    /// <summary>The field written when <c>--field</c> is not given.</summary>
    public const string DefaultField = "custom1";
}

/// <summary>The arguments of the read-only sequence check: the sequence to enrol in and the mailbox that sends its emails.</summary>
/// <param name="SequenceId">The sequence (<c>--sequence-id</c>).</param>
/// <param name="MailboxId">The mailbox (<c>--mailbox-id</c>).</param>
public sealed record SequenceCheckArguments(long SequenceId, long MailboxId);

/// <summary>
/// The command line of <c>probe-outreach</c>: the prospect trials (<c>--prospect-id N [--field NAME]</c>) and/or the
/// sequence check (<c>--sequence-id S --mailbox-id M</c>); at least one of them.
/// </summary>
/// <param name="ProspectTrials">The prospect trials; null when no test prospect was named.</param>
/// <param name="SequenceCheck">The sequence check; null when not asked.</param>
public sealed record ProbeCommandLine(ProbeArguments? ProspectTrials, SequenceCheckArguments? SequenceCheck)
{
    /// <summary>Reads the arguments after the command name; false with the problem when they are not understood.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ProbeCommandLine? commandLine, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        commandLine = null;
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        var field = ProbeArguments.DefaultField;
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

        var hasSequence = ids.TryGetValue("--sequence-id", out var sequence);
        var hasMailbox = ids.TryGetValue("--mailbox-id", out var mailbox);
        if (hasSequence != hasMailbox)
        {
            problem = "--sequence-id and --mailbox-id go together: the sequence to enrol in and the mailbox that sends its emails.";
            return false;
        }

        var hasProspect = ids.TryGetValue("--prospect-id", out var prospect);
        if (!hasProspect && !hasSequence)
        {
            problem = "--prospect-id is required (the one test prospect the probe may change, and restores), unless --sequence-id and --mailbox-id are given.";
            return false;
        }

        commandLine = new ProbeCommandLine(
            hasProspect ? new ProbeArguments(prospect, field) : null,
            hasSequence ? new SequenceCheckArguments(sequence, mailbox) : null);
        problem = "";
        return true;
    }

    private static bool IsFieldName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && char.IsAsciiLetter(value[0]);
}

using System.Globalization;

namespace OutreachFunctions.Probe;

/// <summary>The arguments of <c>probe-outreach</c>: the one test prospect, and the field the bulk trials write.</summary>
/// <param name="ProspectId">The test prospect the user named; nothing else is ever written.</param>
/// <param name="Field">The attribute the bulk trials change and the probe restores (a custom field by default).</param>
public sealed record ProbeArguments(long ProspectId, string Field)
{
    /// <summary>The field written when <c>--field</c> is not given.</summary>
    public const string DefaultField = "custom1";

    /// <summary>Reads <c>--prospect-id N</c> (required) and <c>--field NAME</c> from the arguments after the command name; false with the problem otherwise.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ProbeArguments? arguments, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        arguments = null;
        long? id = null;
        var field = DefaultField;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is not ("--prospect-id" or "--field"))
            {
                problem = $"Unknown argument '{args[i]}'.";
                return false;
            }

            if (i + 1 >= args.Count)
            {
                problem = $"{args[i]} needs a value.";
                return false;
            }

            var value = args[++i];
            if (args[i - 1] == "--field")
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
                id = parsed;
            }
            else
            {
                problem = "--prospect-id must be a positive prospect id.";
                return false;
            }
        }

        if (id is null)
        {
            problem = "--prospect-id is required: the one test prospect the probe may change (and restores).";
            return false;
        }

        arguments = new ProbeArguments(id.Value, field);
        problem = "";
        return true;
    }

    private static bool IsFieldName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && char.IsAsciiLetter(value[0]);
}

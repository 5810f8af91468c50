using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;

namespace OutreachFunctions.Hosting;

/// <summary>
/// Turns start-up failures caused by settings or the mapping into one clean list of what to fix, named as a person types
/// the settings in app settings (<c>Ingest__MaxBodyBytes</c>), printed without a stack trace; the process exits 2.
/// </summary>
public static partial class SettingsProblems
{
    /// <summary>The exit code of a process that cannot start because of its settings.</summary>
    public const int ExitCode = 2;

    /// <summary>
    /// The problems carried by <paramref name="exception"/>, one sentence each; empty when it is not (only) a settings or
    /// mapping problem, which is then a bug and keeps its stack trace.
    /// </summary>
    /// <remarks>
    /// Start-up validation throws one <see cref="OptionsValidationException"/> per options type, wrapped in an
    /// <see cref="AggregateException"/> when several fail; a bad mapping throws <see cref="InvalidMappingException"/>.
    /// </remarks>
    public static IReadOnlyList<string> From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        if (!inner.All(e => e is OptionsValidationException or InvalidMappingException))
        {
            return [];
        }

        return [.. inner
            .SelectMany(e => e switch
            {
                OptionsValidationException validation => validation.Failures,
                InvalidMappingException mapping => mapping.Problems,
                _ => [e.Message],
            })
            .Select(AsAppSettingNames)
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Prints the list under a one-line heading to <paramref name="error"/> and returns <see cref="ExitCode"/>.</summary>
    public static int Report(string heading, IEnumerable<string> problems, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine(heading);
        foreach (var problem in problems)
        {
            error.WriteLine("  - " + problem);
        }

        return ExitCode;
    }

    /// <summary>An option path as an app setting name: <c>Ingest:MaxBodyBytes</c> becomes <c>Ingest__MaxBodyBytes</c>.</summary>
    public static string ToAppSettingName(string optionPath) => optionPath.Replace(":", "__", StringComparison.Ordinal);

    // Validation messages name settings by their option path (Section:Key); environment variables and app settings use
    // Section__Key, which is what the person has to type.
    // DataAnnotations wrap the message in "DataAnnotation validation failed for 'Type' members: 'X' with the error: '…'.";
    // the inner sentence is what the person needs.
    private static string AsAppSettingNames(string message)
    {
        var wrapped = DataAnnotationWrapper().Match(message);
        return OptionPath().Replace(wrapped.Success ? wrapped.Groups["error"].Value : message, m => ToAppSettingName(m.Value));
    }

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<error>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationWrapper();

    [GeneratedRegex(@"(?<![\w/:])[A-Z][A-Za-z0-9]*(?::[A-Za-z0-9]+)+(?![\w/])")]
    private static partial Regex OptionPath();
}

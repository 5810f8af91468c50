using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Outreach.Connector.Mapping;

namespace OutreachFunctions.Hosting;

/// <summary>One setting to fix: its name as a user types it in app settings (<c>Tokens__KeepAliveAge</c>) and what is wrong.</summary>
/// <param name="Setting">The app-setting name, or <c>(settings)</c> when the problem names none.</param>
/// <param name="Problem">The problem and the allowed values, with every setting in app-setting spelling.</param>
public sealed record SettingsProblem(string Setting, string Problem);

/// <summary>
/// Turns start-up validation failures into the list of settings to fix, in the spelling a user types in the portal's
/// app settings or an environment variable: the option path <c>Tokens:KeepAliveAge</c> becomes <c>Tokens__KeepAliveAge</c>.
/// The one place that translates option paths, shared by the standalone refusal to start, the Functions handler's
/// misconfigured mode and anything else that reports settings.
/// </summary>
public static partial class SettingsProblems
{
    /// <summary>The name used when a problem does not name a setting.</summary>
    public const string Unnamed = "(settings)";

    /// <summary>The app-setting spelling of an option path: <c>Tokens:KeepAliveAge</c> → <c>Tokens__KeepAliveAge</c>.</summary>
    public static string AppSettingName(string optionPath)
    {
        ArgumentNullException.ThrowIfNull(optionPath);
        return optionPath.Replace(":", "__", StringComparison.Ordinal);
    }

    /// <summary>Rewrites every option path in a message (<c>Section:Key</c>, letters first) in app-setting spelling.</summary>
    public static string InAppSettingSpelling(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return OptionPath().Replace(message, match => AppSettingName(match.Value));
    }

    /// <summary>One problem from a validation message: the first setting it names, and the message in app-setting spelling.</summary>
    public static SettingsProblem FromMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // DataAnnotations wrap the message in "DataAnnotation validation failed for 'Type' members: 'X' with the error: '…'.";
        // the inner sentence is what the person needs.
        var wrapped = DataAnnotationWrapper().Match(message.Trim());
        var problem = InAppSettingSpelling(wrapped.Success ? wrapped.Groups["error"].Value : message.Trim());
        var setting = AppSettingName().Match(problem);
        return new SettingsProblem(setting.Success ? setting.Value : Unnamed, problem);
    }

    /// <summary>
    /// The settings problems an exception stands for: options validation failures (one or several, possibly wrapped in an
    /// <see cref="AggregateException"/>), mapping errors, and a missing setting reported by the code that reads it
    /// (an <see cref="InvalidOperationException"/> whose message starts "The setting "). Empty when any part of the
    /// exception is something else, which is then a bug that keeps its stack trace.
    /// </summary>
    public static IReadOnlyList<SettingsProblem> FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        if (!inner.All(e => e is OptionsValidationException or InvalidMappingException || IsMissingSetting(e)))
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
            .Distinct(StringComparer.Ordinal)
            .Select(FromMessage)];
    }

    private static bool IsMissingSetting(Exception exception) =>
        exception is InvalidOperationException && exception.GetType() == typeof(InvalidOperationException)
        && exception.Message.StartsWith("The setting ", StringComparison.Ordinal);

    /// <summary>The list as lines for a console or a log: <c>  - Tokens__KeepAliveAge: must be …</c>.</summary>
    public static IEnumerable<string> AsLines(IEnumerable<SettingsProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Select(problem => "  - " + problem.Problem);
    }

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<error>.*)'\.?$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex DataAnnotationWrapper();

    // Section:Key (and deeper), each part starting with a letter, so URLs (https://) and times (00:01:00) stay as they are.
    [GeneratedRegex(@"(?<![\w:/])[A-Za-z][A-Za-z0-9_]*(?::[A-Za-z][A-Za-z0-9_]*)+(?![\w/])", RegexOptions.CultureInvariant)]
    private static partial Regex OptionPath();

    // A name in app-setting spelling: Section__Key, or an upper-case environment-style name such as FUNCTIONS_CUSTOMHANDLER_PORT.
    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", RegexOptions.CultureInvariant)]
    private static partial Regex AppSettingName();
}

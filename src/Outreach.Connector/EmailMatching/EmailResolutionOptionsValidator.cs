using System.Globalization;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.EmailMatching;

/// <summary>Checks <see cref="EmailResolutionOptions"/> at start; each failure names the app setting as it is typed.</summary>
public sealed class EmailResolutionOptionsValidator : IValidateOptions<EmailResolutionOptions>
{
    private const int MinHashKeyLength = 16;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmailResolutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CacheTtl < EmailResolutionOptions.MinTtl || options.CacheTtl > EmailResolutionOptions.MaxCacheTtl)
        {
            failures.Add($"EmailResolution__CacheTtl must be between {Format(EmailResolutionOptions.MinTtl)} and {Format(EmailResolutionOptions.MaxCacheTtl)}.");
        }

        if (options.NegativeCacheTtl < EmailResolutionOptions.MinTtl || options.NegativeCacheTtl > EmailResolutionOptions.MaxNegativeCacheTtl)
        {
            failures.Add($"EmailResolution__NegativeCacheTtl must be between {Format(EmailResolutionOptions.MinTtl)} and {Format(EmailResolutionOptions.MaxNegativeCacheTtl)}.");
        }
        else if (options.NegativeCacheTtl > options.CacheTtl)
        {
            failures.Add("EmailResolution__NegativeCacheTtl must not be longer than EmailResolution__CacheTtl.");
        }

        if (!string.IsNullOrEmpty(options.HashKey) && options.HashKey.Length < MinHashKeyLength)
        {
            failures.Add($"EmailResolution__HashKey must be at least {MinHashKeyLength} characters when set.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}

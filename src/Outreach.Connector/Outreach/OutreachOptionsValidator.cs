using Microsoft.Extensions.Options;

namespace Outreach.Connector.Outreach;

/// <summary>Checks <see cref="OutreachOptions"/> at start: absolute URLs, HTTPS except on loopback, credentials present.</summary>
public sealed class OutreachOptionsValidator : IValidateOptions<OutreachOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OutreachOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckUrl(failures, nameof(options.ApiBaseUrl), options.ApiBaseUrl);
        CheckUrl(failures, nameof(options.AuthorizeUrl), options.AuthorizeUrl);
        CheckUrl(failures, nameof(options.TokenUrl), options.TokenUrl);
        CheckUrl(failures, nameof(options.RedirectUri), options.RedirectUri);
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add("Outreach:ClientId is required (the Outreach app's client id).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add("Outreach:ClientSecret is required (in Azure, a Key Vault reference).");
        }

        if (options.ScopeList.Count == 0)
        {
            failures.Add("Outreach:Scopes must name at least one scope, e.g. \"prospects.read prospects.write\".");
        }

        CheckPositive(failures, nameof(options.RequestTimeout), options.RequestTimeout, TimeSpan.FromMinutes(5));
        CheckPositive(failures, nameof(options.RateLimitFallbackDelay), options.RateLimitFallbackDelay, TimeSpan.FromHours(2));
        CheckPositive(failures, nameof(options.MaxRateLimitDelay), options.MaxRateLimitDelay, TimeSpan.FromDays(1));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrl(List<string> failures, string property, Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            failures.Add($"Outreach:{property} must be an absolute URL.");
            return;
        }

        // Bearer tokens and the client secret travel on these URLs: plain HTTP only for the local sandbox on loopback.
        var secure = url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback);
        if (!secure)
        {
            failures.Add($"Outreach:{property} must use https (http is allowed only on loopback, for the sandbox).");
        }
    }

    private static void CheckPositive(List<string> failures, string property, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            failures.Add($"Outreach:{property} must be greater than zero and at most {max}.");
        }
    }
}

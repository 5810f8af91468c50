using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Tokens;

/// <summary>Checks <see cref="TokenOptions"/> at start, including that the local store is not used in Azure.</summary>
/// <param name="environment">Reads environment variables (injectable for tests).</param>
public sealed partial class TokenOptionsValidator(Func<string, string?> environment) : IValidateOptions<TokenOptions>
{
    /// <summary>A validator that reads the process environment.</summary>
    public TokenOptionsValidator()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Store))
        {
            failures.Add("Tokens:Store must be KeyVault or Local.");
        }

        if (options.Store == TokenStoreKind.KeyVault
            && (options.KeyVaultUri is null || !options.KeyVaultUri.IsAbsoluteUri || options.KeyVaultUri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("Tokens:KeyVaultUri must be the vault's https URL (e.g. https://<vault name>.vault.azure.net/) when Tokens:Store is KeyVault.");
        }

        if (options.Store == TokenStoreKind.Local && AzureEnvironment.Detect(environment) is { } azure)
        {
            failures.Add(AzureEnvironment.LocalStoreRefusal(azure));
        }

        if (!ConnectionNamePattern().IsMatch(options.ConnectionName ?? ""))
        {
            failures.Add("Tokens:ConnectionName must be 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit.");
        }

        if (!SecretPrefixPattern().IsMatch(options.SecretNamePrefix ?? ""))
        {
            failures.Add("Tokens:SecretNamePrefix must be letters, digits or dashes (Key Vault secret name rules).");
        }

        Between(failures, nameof(options.AccessTokenRefreshSkew), options.AccessTokenRefreshSkew, TimeSpan.Zero, TimeSpan.FromMinutes(60));
        Between(failures, nameof(options.KeepAliveAge), options.KeepAliveAge, TimeSpan.FromMinutes(1), options.RefreshTokenLifetime - TimeSpan.FromMinutes(1));
        Between(failures, nameof(options.RefreshTokenLifetime), options.RefreshTokenLifetime, TimeSpan.FromHours(1), TimeSpan.FromDays(365));
        Between(failures, nameof(options.MintingInterval), options.MintingInterval, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Between(failures, nameof(options.RefreshRetryDelay), options.RefreshRetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Between(failures, nameof(options.StatusRecheckInterval), options.StatusRecheckInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        Between(failures, nameof(options.ConnectionPollInterval), options.ConnectionPollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Between(failures, nameof(options.LockLeaseDuration), options.LockLeaseDuration, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));
        Between(failures, nameof(options.LockWaitTimeout), options.LockWaitTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Between(failures, nameof(options.LockRetryDelay), options.LockRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10));
        Between(failures, nameof(options.OAuthStateLifetime), options.OAuthStateLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        if (!ContainerNamePattern().IsMatch(options.LockContainerName ?? ""))
        {
            failures.Add("Tokens:LockContainerName must be a valid blob container name (3-63 lower-case letters, digits, dashes).");
        }

        if (!TableNamePattern().IsMatch(options.OAuthStateTableName ?? ""))
        {
            failures.Add("Tokens:OAuthStateTableName must be a valid table name (3-63 letters or digits, starting with a letter).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Between(List<string> failures, string property, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"Tokens:{property} must be between {min} and {max}.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionNamePattern();

    [GeneratedRegex("^[A-Za-z0-9-]{0,60}$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPrefixPattern();

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerNamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();
}

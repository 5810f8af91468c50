using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Tokens;

/// <summary>Registers the token stores, the refresh lock, the token provider, keep-alive and the authorization flow.</summary>
public static class TokenServiceCollectionExtensions
{
    /// <summary>
    /// Registers, from the <c>Tokens</c> section (validated at start):
    /// <list type="bullet">
    /// <item><see cref="ITokenStore"/>: <see cref="KeyVaultTokenStore"/> when <c>Tokens:Store</c> is <c>KeyVault</c> (with
    /// <c>Tokens:KeyVaultUri</c>; a <see cref="SecretClient"/> on the registered <see cref="TokenCredential"/>, by default
    /// <see cref="DefaultAzureCredential"/>), or <see cref="LocalDevelopmentTokenStore"/> when <c>Local</c> (refused in Azure);</item>
    /// <item><see cref="IConnectionLock"/>: <see cref="BlobLeaseConnectionLock"/> on the app's <see cref="BlobServiceClient"/>;</item>
    /// <item>for <c>Tokens:ConnectionName</c>: <see cref="ConnectionState"/> (also as <see cref="IConnectionState"/> and
    /// <see cref="IConnectionStatusSource"/>), <see cref="TokenRefresher"/>, <see cref="AccessTokenProvider"/> (also as
    /// <see cref="IAccessTokenProvider"/>), <see cref="ConnectionKeepAlive"/> and <see cref="ConnectionAuthorizer"/>;</item>
    /// <item><see cref="OAuthStateStore"/> (on the app's <see cref="TableServiceClient"/>) and <see cref="OutreachAuthorizationFlow"/>.</item>
    /// </list>
    /// The app registers <see cref="BlobServiceClient"/> and <see cref="TableServiceClient"/> for its storage account
    /// (identity-based in Azure, Azurite locally), and <see cref="IOutreachOAuthClient"/> (done by <c>AddOutreachClient</c>).
    /// </summary>
    public static IServiceCollection AddOutreachTokens(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(TokensMarker)))
        {
            return services;
        }

        services.AddSingleton<TokensMarker>();
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection(TokenOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddConnectorMetrics();

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TokenOptions>>().Value;
            var vault = options.KeyVaultUri ?? throw new InvalidOperationException("Tokens:KeyVaultUri is not configured.");
            return new SecretClient(vault, sp.GetRequiredService<TokenCredential>());
        });

        services.TryAddSingleton<ITokenStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TokenOptions>>();
            return options.Value.Store switch
            {
                TokenStoreKind.KeyVault => new KeyVaultTokenStore(
                    sp.GetRequiredService<SecretClient>(), options, sp.GetRequiredService<ILogger<KeyVaultTokenStore>>()),
                TokenStoreKind.Local => new LocalDevelopmentTokenStore(options, sp.GetRequiredService<ILogger<LocalDevelopmentTokenStore>>()),
                _ => throw new InvalidOperationException($"Tokens:Store '{options.Value.Store}' is not supported."),
            };
        });

        services.TryAddSingleton<IConnectionLock>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TokenOptions>>();
            var blobs = sp.GetService<BlobServiceClient>() ?? throw Missing(nameof(BlobServiceClient), "the token refresh lock");
            // The lease runs on the storage service's real clock, so waiting for and renewing it must too, even when
            // the app's TimeProvider is a test's fake clock.
            return new BlobLeaseConnectionLock(
                blobs.GetBlobContainerClient(options.Value.LockContainerName),
                options,
                TimeProvider.System,
                sp.GetRequiredService<ILogger<BlobLeaseConnectionLock>>());
        });

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TokenOptions>>();
            var tables = sp.GetService<TableServiceClient>() ?? throw Missing(nameof(TableServiceClient), "the OAuth state store");
            return new OAuthStateStore(
                tables.GetTableClient(options.Value.OAuthStateTableName),
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<OAuthStateStore>>());
        });

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TokenOptions>>();
            return new ConnectionState(
                options.Value.ConnectionName,
                sp.GetRequiredService<ITokenStore>(),
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ConnectionState>>());
        });
        services.TryAddSingleton<IConnectionState>(sp => sp.GetRequiredService<ConnectionState>());
        services.TryAddSingleton<IConnectionStatusSource>(sp => sp.GetRequiredService<ConnectionState>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TokenOptions>>();
            var time = sp.GetRequiredService<TimeProvider>();
            var entry = new TokenStoreEntry(
                options.Value.ConnectionName,
                sp.GetRequiredService<ITokenStore>(),
                options,
                time,
                sp.GetRequiredService<ILogger<TokenStoreEntry>>(),
                sp.GetRequiredService<ConnectionState>());
            return new TokenRefresher(
                entry,
                sp.GetRequiredService<IConnectionLock>(),
                sp.GetRequiredService<IOutreachOAuthClient>(),
                options,
                time,
                sp.GetRequiredService<ILogger<TokenRefresher>>(),
                sp.GetService<Monitoring.ConnectorMetrics>());
        });
        services.TryAddSingleton<AccessTokenProvider>();
        services.TryAddSingleton<IAccessTokenProvider>(sp => sp.GetRequiredService<AccessTokenProvider>());
        services.TryAddSingleton<ConnectionKeepAlive>();
        services.TryAddSingleton<ConnectionAuthorizer>();
        services.TryAddSingleton<OutreachAuthorizationFlow>();
        return services;
    }

    private static InvalidOperationException Missing(string client, string purpose) =>
        new($"Register a {client} for the app's storage account before using {purpose} (AddOutreachTokens needs it; Azurite locally).");

    private sealed class TokensMarker;
}

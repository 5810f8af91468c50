namespace Outreach.Connector.Tokens;

/// <summary>Token storage and lifecycle settings (configuration section <c>Tokens</c>).</summary>
/// <remarks><c>Store</c>, <c>KeyVaultUri</c> and <c>ConnectionName</c> are fixed names: local.settings.sample.json uses them.</remarks>
public sealed class TokenOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Tokens";

    /// <summary>Where tokens are stored: <c>KeyVault</c> or <c>Local</c>.</summary>
    public TokenStoreKind Store { get; set; } = TokenStoreKind.KeyVault;

    /// <summary>The vault, e.g. <c>https://kv-outreach.vault.azure.net/</c> (required for <c>KeyVault</c>).</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>The Outreach connection this app uses (lower-case letters, digits and dashes).</summary>
    public string ConnectionName { get; set; } = "default";

    /// <summary>The prefix of the connection's Key Vault secret: <c>outreach-connection-default</c>.</summary>
    public string SecretNamePrefix { get; set; } = "outreach-connection-";

    /// <summary>The folder of the local development store; empty means a per-user folder under local application data.</summary>
    public string? LocalStorePath { get; set; }

    /// <summary>Refresh this long before the access token expires, so no request goes out with a token about to die.</summary>
    public TimeSpan AccessTokenRefreshSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Keep-alive refreshes a refresh token older than this (well inside its 14-day life).</summary>
    public TimeSpan KeepAliveAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long Outreach keeps a refresh token valid after issuing it (status pages show the deadline).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Outreach mints at most one access token per user and app in this interval; no refresh is attempted sooner.</summary>
    public TimeSpan MintingInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>After a transient refresh failure, callers get the same answer for this long instead of retrying at once.</summary>
    public TimeSpan RefreshRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an instance re-reads the store while the connection is not connected (to see another instance's authorization).</summary>
    public TimeSpan StatusRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often each instance re-reads the connection's status from the shared token store while it sends (and while
    /// it is paused): every instance stops within this interval after any one of them finds the connection revoked,
    /// and resumes within it after a re-authorization on any instance. 100 ms to 5 minutes; default 15 seconds.
    /// </summary>
    public TimeSpan ConnectionPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The blob container holding one lease blob per connection (the cross-instance refresh lock).</summary>
    public string LockContainerName { get; set; } = "outreach-token-locks";

    /// <summary>The blob lease's duration (15 to 60 seconds); the holder renews it while it works.</summary>
    public TimeSpan LockLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a caller waits for another instance's refresh before giving up for now.</summary>
    public TimeSpan LockWaitTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The pause between two attempts to take a busy lease.</summary>
    public TimeSpan LockRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The table holding pending OAuth <c>state</c> values.</summary>
    public string OAuthStateTableName { get; set; } = "OutreachOAuthStates";

    /// <summary>How long an OAuth <c>state</c> (one started authorization) stays valid.</summary>
    public TimeSpan OAuthStateLifetime { get; set; } = TimeSpan.FromMinutes(10);
}

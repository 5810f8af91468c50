using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Tokens;

/// <summary>
/// Keeps connection tokens in Azure Key Vault: the secret <c>outreach-connection-{name}</c> holds the refresh token as
/// its value and the metadata (status, issue times, expiries, scope) in its tags.
/// </summary>
/// <remarks>
/// <para>The shared access token is a secret too, so it lives in a companion secret <c>outreach-connection-{name}-access</c>
/// (tags are readable by anyone who may list secrets, values are not). The two are linked by a random
/// <c>access-id</c> tag: the access secret is written first, then the refresh secret naming its id, so writing the
/// refresh secret is the single commit point. A reader whose access secret carries another id (a writer crashed
/// between the two writes) simply sees no access token and refreshes.</para>
/// <para>Key Vault has no conditional write: the version check in <see cref="SaveAsync"/> reads then writes. The
/// connection's blob lease is what excludes concurrent writers; the check only catches a writer that lost its lease.</para>
/// <para>Every write adds a secret version (about 12 a day at a 2-hour token life); Key Vault keeps them, which also
/// gives an audit trail. Values are never logged; only names, versions and status.</para>
/// </remarks>
public sealed class KeyVaultTokenStore(SecretClient client, IOptions<TokenOptions> options, ILogger<KeyVaultTokenStore> logger) : ITokenStore
{
    /// <summary>Tag names on the refresh-token secret.</summary>
    public static class Tags
    {
        /// <summary>The layout version of the tags.</summary>
        public const string Format = "format";

        /// <summary>Connected or NeedsReauthorization.</summary>
        public const string Status = "status";

        /// <summary>Why the status is what it is.</summary>
        public const string StatusReason = "status-reason";

        /// <summary>When the status changed (ISO 8601).</summary>
        public const string StatusChangedAt = "status-changed-at";

        /// <summary>When the refresh token was issued (ISO 8601).</summary>
        public const string RefreshIssuedAt = "refresh-issued-at";

        /// <summary>When the refresh token dies unless rotated (ISO 8601; informational).</summary>
        public const string RefreshExpiresAt = "refresh-expires-at";

        /// <summary>The granted scopes.</summary>
        public const string Scope = "scope";

        /// <summary>The id linking the refresh secret to the matching access-token secret.</summary>
        public const string AccessId = "access-id";

        /// <summary>When the access token was minted (ISO 8601).</summary>
        public const string AccessIssuedAt = "access-issued-at";

        /// <summary>When the access token expires (ISO 8601).</summary>
        public const string AccessExpiresAt = "access-expires-at";
    }

    private const int MaxTagLength = 256;
    private readonly TokenOptions _options = options.Value;

    /// <summary>The name of the secret that holds a connection's refresh token.</summary>
    public string SecretName(string connectionName) => _options.SecretNamePrefix + connectionName;

    /// <summary>The name of the secret that holds a connection's shared access token.</summary>
    public string AccessSecretName(string connectionName) => SecretName(connectionName) + "-access";

    /// <inheritdoc />
    public async Task<StoredConnection?> GetAsync(string connectionName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var secret = await TryGetAsync(SecretName(connectionName), cancellationToken);
        if (secret is null)
        {
            return null;
        }

        var tags = secret.Properties.Tags;
        string? accessToken = null;
        var accessId = Tag(tags, Tags.AccessId);
        if (!string.IsNullOrEmpty(accessId))
        {
            var access = await TryGetAsync(AccessSecretName(connectionName), cancellationToken);
            if (access is not null && string.Equals(Tag(access.Properties.Tags, Tags.AccessId), accessId, StringComparison.Ordinal))
            {
                accessToken = access.Value;
            }
        }

        var status = Enum.TryParse<ConnectionStatus>(Tag(tags, Tags.Status), out var parsed) ? parsed : ConnectionStatus.Connected;
        var tokens = new ConnectionTokens(
            status,
            secret.Value,
            Time(tags, Tags.RefreshIssuedAt) ?? secret.Properties.CreatedOn ?? DateTimeOffset.MinValue,
            accessToken,
            accessToken is null ? null : Time(tags, Tags.AccessIssuedAt),
            accessToken is null ? null : Time(tags, Tags.AccessExpiresAt),
            Tag(tags, Tags.Scope))
        {
            StatusReason = Tag(tags, Tags.StatusReason),
            StatusChangedAt = Time(tags, Tags.StatusChangedAt),
        };
        KeyVaultLog.Read(logger, connectionName, secret.Properties.Version, status);
        return new StoredConnection(tokens, secret.Properties.Version);
    }

    /// <inheritdoc />
    public async Task<TokenStoreWriteOutcome> SaveAsync(string connectionName, ConnectionTokens tokens, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        ArgumentNullException.ThrowIfNull(tokens);
        var name = SecretName(connectionName);
        var current = await TryGetAsync(name, cancellationToken);
        if (!string.Equals(current?.Properties.Version, expectedVersion, StringComparison.Ordinal))
        {
            KeyVaultLog.Conflict(logger, connectionName, expectedVersion ?? "(none)", current?.Properties.Version ?? "(none)");
            return TokenStoreWriteOutcome.Conflict;
        }

        var accessId = "";
        if (tokens.AccessToken is not null)
        {
            // First the access token under a fresh id: harmless until the refresh secret below names that id.
            accessId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            var access = new KeyVaultSecret(AccessSecretName(connectionName), tokens.AccessToken);
            access.Properties.ContentType = "text/plain";
            access.Properties.Tags[Tags.AccessId] = accessId;
            access.Properties.Tags[Tags.AccessExpiresAt] = Iso(tokens.AccessTokenExpiresAt);
            await client.SetSecretAsync(access, cancellationToken);
        }

        var secret = new KeyVaultSecret(name, tokens.RefreshToken);
        secret.Properties.ContentType = "text/plain";
        var tags = secret.Properties.Tags;
        tags[Tags.Format] = "1";
        tags[Tags.Status] = tokens.Status.ToString();
        tags[Tags.StatusReason] = Truncate(tokens.StatusReason);
        tags[Tags.StatusChangedAt] = Iso(tokens.StatusChangedAt);
        tags[Tags.RefreshIssuedAt] = Iso(tokens.RefreshTokenIssuedAt);
        tags[Tags.RefreshExpiresAt] = Iso(tokens.RefreshTokenIssuedAt + _options.RefreshTokenLifetime);
        tags[Tags.Scope] = Truncate(tokens.Scope);
        tags[Tags.AccessId] = accessId;
        tags[Tags.AccessIssuedAt] = Iso(tokens.AccessTokenIssuedAt);
        tags[Tags.AccessExpiresAt] = Iso(tokens.AccessTokenExpiresAt);
        var saved = await client.SetSecretAsync(secret, cancellationToken);
        KeyVaultLog.Saved(logger, connectionName, saved.Value.Properties.Version, tokens.Status);
        return TokenStoreWriteOutcome.Success(saved.Value.Properties.Version);
    }

    private async Task<KeyVaultSecret?> TryGetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetSecretAsync(name, version: null, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static string? Tag(IDictionary<string, string> tags, string name) =>
        tags.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static DateTimeOffset? Time(IDictionary<string, string> tags, string name) =>
        Tag(tags, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : null;

    private static string Iso(DateTimeOffset? time) => time?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? "";

    private static string Truncate(string? text) => text is null ? "" : text.Length <= MaxTagLength ? text : text[..MaxTagLength];
}

/// <summary>Source-generated log messages of <see cref="KeyVaultTokenStore"/>: names, versions, status; never values.</summary>
internal static partial class KeyVaultLog
{
    [LoggerMessage(EventId = 2501, Level = LogLevel.Debug, Message = "Read the tokens of Outreach connection {ConnectionName} from Key Vault (version {Version}, status {Status})")]
    public static partial void Read(ILogger logger, string connectionName, string version, ConnectionStatus status);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "Saved the tokens of Outreach connection {ConnectionName} to Key Vault (version {Version}, status {Status})")]
    public static partial void Saved(ILogger logger, string connectionName, string version, ConnectionStatus status);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Warning, Message = "Did not save the tokens of Outreach connection {ConnectionName}: expected version {Expected}, found {Found}")]
    public static partial void Conflict(ILogger logger, string connectionName, string expected, string found);
}

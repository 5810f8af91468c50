using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Tokens;

/// <summary>
/// Issues and checks the OAuth <c>state</c> of an authorization: unguessable (32 random bytes, base64url), bound to a
/// connection, single-use and expiring, kept in Azure Table storage so the callback may land on any instance.
/// </summary>
/// <remarks>
/// The table holds a SHA-256 of the state, not the state itself, so reading the table does not let anyone complete
/// a pending authorization. Consuming marks the entity used under its ETag (then deletes it): of two concurrent
/// callbacks with the same state exactly one succeeds.
/// </remarks>
public sealed class OAuthStateStore(TableClient table, IOptions<TokenOptions> options, TimeProvider timeProvider, ILogger<OAuthStateStore> logger)
{
    private const string PartitionKey = "oauth-state";
    private const int StateBytes = 32;
    private const int MaxStateLength = 128;
    private volatile bool _tableReady;

    /// <summary>Issues a new state for an authorization of <paramref name="connectionName"/>.</summary>
    public async Task<OAuthState> CreateAsync(string connectionName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        await EnsureTableAsync(cancellationToken);
        var value = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(StateBytes));
        var now = timeProvider.GetUtcNow();
        var expiresAt = now + options.Value.OAuthStateLifetime;
        var entity = new TableEntity(PartitionKey, KeyOf(value))
        {
            ["Connection"] = connectionName,
            ["CreatedAt"] = now,
            ["ExpiresAt"] = expiresAt,
        };
        await table.AddEntityAsync(entity, cancellationToken);
        await PurgeExpiredAsync(now, cancellationToken);
        StateLog.Issued(logger, connectionName, expiresAt);
        return new OAuthState(value, connectionName, expiresAt);
    }

    /// <summary>
    /// Checks and consumes a state from a callback: valid once, before it expires. Returns the bound connection, or
    /// why the state is refused.
    /// </summary>
    public async Task<OAuthStateCheck> ConsumeAsync(string? state, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state) || state.Length > MaxStateLength)
        {
            return new OAuthStateCheck.Refused(OAuthStateProblem.Malformed);
        }

        await EnsureTableAsync(cancellationToken);
        var key = KeyOf(state);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, key, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity || entity.ContainsKey("ConsumedAt"))
        {
            StateLog.Refused(logger, OAuthStateProblem.Unknown);
            return new OAuthStateCheck.Refused(OAuthStateProblem.Unknown);
        }

        try
        {
            // Single use: mark it consumed under its ETag, so of concurrent callbacks exactly one wins (the others get
            // 412). A conditional update rather than a conditional delete, because Azurite accepts a second delete.
            var consumed = new TableEntity(PartitionKey, key) { ["ConsumedAt"] = timeProvider.GetUtcNow() };
            await table.UpdateEntityAsync(consumed, entity.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Another callback consumed it first.
            StateLog.Refused(logger, OAuthStateProblem.Unknown);
            return new OAuthStateCheck.Refused(OAuthStateProblem.Unknown);
        }

        try
        {
            await table.DeleteEntityAsync(PartitionKey, key, ETag.All, cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Best effort: a consumed entity is refused anyway and purged once expired.
        }

        var expiresAt = entity.GetDateTimeOffset("ExpiresAt");
        if (expiresAt is null || timeProvider.GetUtcNow() >= expiresAt)
        {
            StateLog.Refused(logger, OAuthStateProblem.Expired);
            return new OAuthStateCheck.Refused(OAuthStateProblem.Expired);
        }

        var connection = entity.GetString("Connection") ?? "";
        return new OAuthStateCheck.Valid(connection);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }
    }

    // Abandoned authorizations leave entities behind; each new one removes a page of expired ones.
    private async Task PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey} and ExpiresAt lt {now}");
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 50, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
            {
                foreach (var stale in page.Values)
                {
                    await table.DeleteEntityAsync(stale.PartitionKey, stale.RowKey, ETag.All, cancellationToken);
                }

                break;
            }
        }
        catch (RequestFailedException)
        {
            // Best effort: an expired state is refused on use anyway.
        }
    }

    private static string KeyOf(string state) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));
}

/// <summary>A state issued for one authorization.</summary>
/// <param name="Value">The value to put in the authorization URL's <c>state</c> parameter.</param>
/// <param name="ConnectionName">The connection the authorization is for.</param>
/// <param name="ExpiresAt">When the callback must have arrived.</param>
public sealed record OAuthState(string Value, string ConnectionName, DateTimeOffset ExpiresAt)
{
    /// <inheritdoc />
    public override string ToString() => $"OAuthState {{ Value = ***, ConnectionName = {ConnectionName}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>Why a callback's state was refused.</summary>
public enum OAuthStateProblem
{
    /// <summary>Missing or not the shape of an issued state.</summary>
    Malformed = 0,

    /// <summary>Never issued, or already used.</summary>
    Unknown = 1,

    /// <summary>Issued but expired.</summary>
    Expired = 2,
}

/// <summary>The result of checking a callback's state.</summary>
public abstract record OAuthStateCheck
{
    private OAuthStateCheck()
    {
    }

    /// <summary>The state was issued for <paramref name="ConnectionName"/>, is unexpired, and is now used up.</summary>
    public sealed record Valid(string ConnectionName) : OAuthStateCheck;

    /// <summary>The state is refused.</summary>
    public sealed record Refused(OAuthStateProblem Problem) : OAuthStateCheck;
}

/// <summary>Source-generated log messages of <see cref="OAuthStateStore"/> (never the state value).</summary>
internal static partial class StateLog
{
    [LoggerMessage(EventId = 2701, Level = LogLevel.Information, Message = "Issued an OAuth state for Outreach connection {ConnectionName}, valid until {ExpiresAt:O}")]
    public static partial void Issued(ILogger logger, string connectionName, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2702, Level = LogLevel.Warning, Message = "Refused an OAuth callback state: {Problem}")]
    public static partial void Refused(ILogger logger, OAuthStateProblem problem);
}

namespace Outreach.Connector.Tokens;

/// <summary>Keeps each Outreach connection's tokens (refresh token, shared access token, status) durably.</summary>
/// <remarks>
/// Implementations: <see cref="KeyVaultTokenStore"/> (Azure) and <see cref="LocalDevelopmentTokenStore"/> (a local
/// machine only). Writers that refresh hold the connection's distributed lock; the version check is a second guard.
/// Infrastructure failures throw; a version mismatch is a result.
/// </remarks>
public interface ITokenStore
{
    /// <summary>Reads a connection's tokens; null when none were ever stored.</summary>
    Task<StoredConnection?> GetAsync(string connectionName, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a connection's tokens if the stored version is still <paramref name="expectedVersion"/> (null: nothing is
    /// stored yet); otherwise returns <see cref="TokenStoreWriteOutcome.Conflict"/> and writes nothing.
    /// </summary>
    Task<TokenStoreWriteOutcome> SaveAsync(string connectionName, ConnectionTokens tokens, string? expectedVersion, CancellationToken cancellationToken);
}

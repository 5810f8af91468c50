namespace Outreach.Connector.Tokens;

/// <summary>A connection's tokens as read from a store, with the version to pass back when saving (optimistic concurrency).</summary>
/// <param name="Tokens">The stored tokens and metadata.</param>
/// <param name="Version">The store's version of this entry (Key Vault secret version, file revision).</param>
public sealed record StoredConnection(ConnectionTokens Tokens, string Version);

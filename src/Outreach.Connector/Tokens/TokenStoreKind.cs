namespace Outreach.Connector.Tokens;

/// <summary>Where the connection tokens live (<c>Tokens:Store</c>).</summary>
public enum TokenStoreKind
{
    /// <summary>Azure Key Vault: one secret per connection (production).</summary>
    KeyVault = 0,

    /// <summary>A JSON file on the local machine (development and single-machine runs); refuses to start in Azure.</summary>
    Local = 1,
}

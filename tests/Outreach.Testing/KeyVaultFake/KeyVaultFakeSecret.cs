namespace Outreach.Testing.KeyVaultFake;

/// <summary>One stored version of a secret in the Key Vault fake.</summary>
/// <param name="Name">The secret name.</param>
/// <param name="Version">The version id (32 hex characters, like Key Vault's).</param>
/// <param name="Value">The secret value.</param>
/// <param name="ContentType">The content type, when set.</param>
/// <param name="Tags">The tags.</param>
/// <param name="Enabled">Whether the version is enabled.</param>
/// <param name="Created">When the version was written.</param>
public sealed record KeyVaultFakeSecret(
    string Name,
    string Version,
    string Value,
    string? ContentType,
    IReadOnlyDictionary<string, string> Tags,
    bool Enabled,
    DateTimeOffset Created)
{
    /// <inheritdoc />
    public override string ToString() => $"KeyVaultFakeSecret {{ Name = {Name}, Version = {Version}, Value = *** }}";
}

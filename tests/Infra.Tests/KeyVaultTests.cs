using System.Text.Json.Nodes;

namespace Infra.Tests;

public sealed class KeyVaultTests
{
    private static TemplateResource Vault => CompiledTemplate.Main.Single("Microsoft.KeyVault/vaults");

    [Fact]
    public void Key_vault_uses_RBAC_authorization()
    {
        Assert.Equal("true", Vault.TextAt("properties.enableRbacAuthorization"));
    }

    [Fact]
    public void Key_vault_has_no_access_policies()
    {
        var policies = Vault.At("properties.accessPolicies");
        Assert.True(policies is null || policies is JsonArray { Count: 0 }, $"Access policies declared: {policies?.ToJsonString()}");
        Assert.Empty(CompiledTemplate.Main.OfType("Microsoft.KeyVault/vaults/accessPolicies"));
    }

    [Fact]
    public void Key_vault_has_soft_delete_and_purge_protection()
    {
        Assert.Equal("true", Vault.TextAt("properties.enableSoftDelete"));
        Assert.Equal("true", Vault.TextAt("properties.enablePurgeProtection"));
    }

    [Fact]
    public void Key_vault_is_not_open_to_deployments_or_disk_encryption()
    {
        Assert.Equal("false", Vault.TextAt("properties.enabledForDeployment"));
        Assert.Equal("false", Vault.TextAt("properties.enabledForTemplateDeployment"));
        Assert.Equal("false", Vault.TextAt("properties.enabledForDiskEncryption"));
    }
}

namespace Infra.Tests;

public sealed class StorageTests
{
    private static TemplateResource Account => CompiledTemplate.Main.Single("Microsoft.Storage/storageAccounts");

    [Fact]
    public void Storage_account_disables_shared_key_access()
    {
        Assert.Equal("false", Account.TextAt("properties.allowSharedKeyAccess"));
        Assert.Equal("true", Account.TextAt("properties.defaultToOAuthAuthentication"));
    }

    [Fact]
    public void Storage_account_disables_public_blob_access()
    {
        Assert.Equal("false", Account.TextAt("properties.allowBlobPublicAccess"));
    }

    [Fact]
    public void Storage_account_requires_HTTPS_and_TLS_1_2()
    {
        Assert.Equal("true", Account.TextAt("properties.supportsHttpsTrafficOnly"));
        Assert.Equal("TLS1_2", Account.TextAt("properties.minimumTlsVersion"));
    }

    [Fact]
    public void Deployment_package_container_is_private()
    {
        var container = CompiledTemplate.Main.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Equal("None", container.TextAt("properties.publicAccess"));
    }
}

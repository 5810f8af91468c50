using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Tests.Tokens;

public sealed class TokenOptionsValidatorTests
{
    private static TokenOptionsValidator Local() => new(_ => null);

    [Fact]
    public void Key_vault_store_needs_an_https_vault_uri()
    {
        Assert.True(Local().Validate(null, new TokenOptions { Store = TokenStoreKind.KeyVault }).Failed);
        Assert.True(Local().Validate(null, new TokenOptions { Store = TokenStoreKind.KeyVault, KeyVaultUri = new Uri("http://kv.test/") }).Failed);
        Assert.True(Local().Validate(null, new TokenOptions { Store = TokenStoreKind.KeyVault, KeyVaultUri = new Uri("https://kv.vault.azure.net/") }).Succeeded);
    }

    [Fact]
    public void Local_store_is_refused_in_azure_at_start()
    {
        var result = new TokenOptionsValidator(name => name == "WEBSITE_INSTANCE_ID" ? "abc" : null).Validate(null, new TokenOptions { Store = TokenStoreKind.Local });

        Assert.True(result.Failed);
        Assert.Contains("WEBSITE_INSTANCE_ID", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Default")]
    [InlineData("-x")]
    [InlineData("a_b")]
    [InlineData("a-very-long-connection-name-that-goes-past-forty")]
    public void Bad_connection_names_are_refused(string name)
    {
        Assert.True(Local().Validate(null, new TokenOptions { Store = TokenStoreKind.Local, ConnectionName = name }).Failed);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(61)]
    public void Lease_duration_outside_15_to_60_seconds_is_refused(int seconds)
    {
        Assert.True(Local().Validate(null, new TokenOptions { Store = TokenStoreKind.Local, LockLeaseDuration = TimeSpan.FromSeconds(seconds) }).Failed);
    }

    [Fact]
    public void Keep_alive_age_must_be_inside_the_refresh_token_lifetime()
    {
        Assert.True(Local().Validate(null, new TokenOptions { Store = TokenStoreKind.Local, KeepAliveAge = TimeSpan.FromDays(14) }).Failed);
    }

    [Fact]
    public void Defaults_with_a_local_store_are_valid()
    {
        Assert.True(Local().Validate(null, new TokenOptions { Store = TokenStoreKind.Local }).Succeeded);
    }

    [Fact]
    public void Outreach_options_need_credentials_and_secure_urls()
    {
        var validator = new OutreachOptionsValidator();
        var valid = new OutreachOptions { ClientId = "id", ClientSecret = "s", RedirectUri = new Uri("https://app.test/cb") };

        Assert.True(validator.Validate(null, valid).Succeeded);
        Assert.True(validator.Validate(null, new OutreachOptions { RedirectUri = new Uri("https://app.test/cb") }).Failed);
        Assert.True(validator.Validate(null, new OutreachOptions { ClientId = "id", ClientSecret = "s", RedirectUri = new Uri("http://app.test/cb") }).Failed);
        Assert.True(validator.Validate(null, new OutreachOptions { ClientId = "id", ClientSecret = "s", RedirectUri = new Uri("https://app.test/cb"), ApiBaseUrl = new Uri("http://api.test/") }).Failed);
        Assert.True(validator.Validate(null, new OutreachOptions { ClientId = "id", ClientSecret = "s", RedirectUri = new Uri("http://127.0.0.1:7071/cb"), ApiBaseUrl = new Uri("http://127.0.0.1:5000/api/v2") }).Succeeded);
        Assert.True(validator.Validate(null, new OutreachOptions { ClientId = "id", ClientSecret = "s", RedirectUri = new Uri("https://app.test/cb"), Scopes = " " }).Failed);
        Assert.True(validator.Validate(null, new OutreachOptions { ClientId = "id", ClientSecret = "s", RedirectUri = new Uri("https://app.test/cb"), RequestTimeout = TimeSpan.Zero }).Failed);
    }

    [Fact]
    public void Api_base_without_a_trailing_slash_is_normalized()
    {
        Assert.Equal("http://127.0.0.1:5000/api/v2/", new OutreachOptions { ApiBaseUrl = new Uri("http://127.0.0.1:5000/api/v2") }.NormalizedApiBaseUrl.AbsoluteUri);
    }
}

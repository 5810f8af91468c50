using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;

namespace Outreach.Connector.Tests.Outreach;

public sealed class OutreachRegistrationTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("registration-");

    public void Dispose() => _folder.Delete(recursive: true);

    private Dictionary<string, string?> ValidSettings(string store = "Local") => new()
    {
        ["Outreach:ClientId"] = "client",
        ["Outreach:ClientSecret"] = "secret",
        ["Outreach:RedirectUri"] = "https://app.test/api/oauth/callback",
        ["Tokens:Store"] = store,
        ["Tokens:KeyVaultUri"] = "https://kv-test.vault.azure.net/",
        ["Tokens:ConnectionName"] = "default",
        ["Tokens:LocalStorePath"] = _folder.FullName,
    };

    private static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        // Never contacted in these tests: the clients are only constructed.
        services.AddSingleton(new BlobServiceClient("UseDevelopmentStorage=true"));
        services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true"));
        services.AddOutreachClient(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public void Valid_configuration_resolves_the_client_provider_flow_and_keep_alive()
    {
        using var services = Build(ValidSettings());
        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType<OutreachProspectClient>(services.GetRequiredService<IOutreachProspectClient>());
        Assert.Same(services.GetRequiredService<AccessTokenProvider>(), services.GetRequiredService<IAccessTokenProvider>());
        Assert.Same(services.GetRequiredService<ConnectionState>(), services.GetRequiredService<IConnectionStatusSource>());
        Assert.Same(services.GetRequiredService<ConnectionState>(), services.GetRequiredService<IConnectionState>());
        Assert.NotNull(services.GetRequiredService<ConnectionAuthorizer>());
        Assert.Equal("default", services.GetRequiredService<IAccessTokenProvider>().ConnectionName);
        Assert.NotNull(services.GetRequiredService<OutreachAuthorizationFlow>());
        Assert.NotNull(services.GetRequiredService<ConnectionKeepAlive>());
        Assert.IsType<BlobLeaseConnectionLock>(services.GetRequiredService<IConnectionLock>());
        Assert.Equal(new Uri("https://api.outreach.io/api/v2/"), services.GetRequiredService<IOptions<OutreachOptions>>().Value.ApiBaseUrl);
        Assert.Equal("prospects.read prospects.write batches.read batches.write imports.read imports.write", services.GetRequiredService<IOptions<OutreachOptions>>().Value.Scopes);
    }

    [Fact]
    public void Local_setting_chooses_the_local_development_store()
    {
        using var services = Build(ValidSettings("Local"));

        Assert.IsType<LocalDevelopmentTokenStore>(services.GetRequiredService<ITokenStore>());
    }

    [Fact]
    public void Key_vault_setting_chooses_the_key_vault_store_on_the_configured_vault()
    {
        using var services = Build(ValidSettings("KeyVault"));

        Assert.IsType<KeyVaultTokenStore>(services.GetRequiredService<ITokenStore>());
        Assert.Equal(new Uri("https://kv-test.vault.azure.net/"), services.GetRequiredService<SecretClient>().VaultUri);
    }

    [Theory]
    [InlineData("Outreach:ClientId", "")]
    [InlineData("Outreach:ClientSecret", "")]
    [InlineData("Outreach:ApiBaseUrl", "http://api.outreach.test/api/v2/")]
    [InlineData("Tokens:Store", "KeyVault")]
    [InlineData("Tokens:ConnectionName", "Not Valid")]
    [InlineData("Tokens:LockLeaseDuration", "00:05:00")]
    public void Invalid_configuration_fails_at_start(string key, string value)
    {
        var settings = ValidSettings();
        settings[key] = value;
        if (key == "Tokens:Store")
        {
            settings.Remove("Tokens:KeyVaultUri");
        }

        using var services = Build(settings);

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void Registering_twice_is_harmless()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ValidSettings()).Build();
        services.AddOutreachClient(configuration);
        var count = services.Count;

        services.AddOutreachClient(configuration);
        services.AddOutreachTokens(configuration);

        Assert.Equal(count, services.Count);
    }

    [Fact]
    public void Missing_storage_clients_fail_with_a_clear_message()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOutreachClient(new ConfigurationBuilder().AddInMemoryCollection(ValidSettings()).Build());
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IConnectionLock>());

        Assert.Contains(nameof(BlobServiceClient), failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dry_run_replaces_the_outreach_client_whichever_is_registered_first(bool dryRunFirst)
    {
        var settings = ValidSettings();
        settings["Delivery:DryRun"] = "true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new BlobServiceClient("UseDevelopmentStorage=true"));
        services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true"));
        services.AddSingleton(sp => new DeliveryTables(sp.GetRequiredService<TableServiceClient>(), Options.Create(new DeliveryOptions())));
        if (dryRunFirst)
        {
            services.AddDeliveryDryRun(configuration);
            services.AddOutreachClient(configuration);
        }
        else
        {
            services.AddOutreachClient(configuration);
            services.AddDeliveryDryRun(configuration);
        }

        using var provider = services.BuildServiceProvider();

        Assert.IsType<DryRunProspectClient>(provider.GetRequiredService<IOutreachProspectClient>());
    }
}

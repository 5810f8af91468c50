using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.WebUtilities;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Tokens;

/// <summary>
/// One "instance" of the connector as the app would wire it (AddOutreachClient on real configuration), pointed at the
/// sandbox over loopback HTTP and at Azurite; several instances built on the same store and storage act like several
/// processes of a scaled-out app.
/// </summary>
internal sealed class ConnectorInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly SandboxServer _sandbox;

    private ConnectorInstance(ServiceProvider services, SandboxServer sandbox)
    {
        _services = services;
        _sandbox = sandbox;
    }

    public IServiceProvider Services => _services;

    public IOutreachProspectClient Client => _services.GetRequiredService<IOutreachProspectClient>();

    public AccessTokenProvider Provider => _services.GetRequiredService<AccessTokenProvider>();

    public ConnectionState State => _services.GetRequiredService<ConnectionState>();

    public OutreachAuthorizationFlow Flow => _services.GetRequiredService<OutreachAuthorizationFlow>();

    public ConnectionKeepAlive KeepAlive => _services.GetRequiredService<ConnectionKeepAlive>();

    public ITokenStore Store => _services.GetRequiredService<ITokenStore>();

    /// <summary>Settings shared by instances of one "deployment" (the same store, lock container and state table).</summary>
    public sealed record Deployment(string StoreFolder, string LockContainer, string StateTable, SecretClient? KeyVault = null)
    {
        public static Deployment Create(SecretClient? keyVault = null) => new(
            Directory.CreateTempSubdirectory("connector-tokens-").FullName,
            AzuriteFixture.UniqueName("locks"),
            "states" + Guid.NewGuid().ToString("N")[..12],
            keyVault);
    }

    public static ConnectorInstance Create(
        SandboxServer sandbox,
        AzuriteFixture azurite,
        Deployment deployment,
        TimeProvider time,
        LogCapture logs,
        IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Outreach:ApiBaseUrl"] = sandbox.ApiBaseAddress.AbsoluteUri,
            ["Outreach:AuthorizeUrl"] = sandbox.AuthorizeUri.AbsoluteUri,
            ["Outreach:TokenUrl"] = sandbox.TokenUri.AbsoluteUri,
            ["Outreach:ClientId"] = sandbox.ClientId,
            ["Outreach:ClientSecret"] = sandbox.ClientSecret,
            ["Outreach:RedirectUri"] = sandbox.RedirectUri,
            ["Tokens:Store"] = deployment.KeyVault is null ? "Local" : "KeyVault",
            ["Tokens:KeyVaultUri"] = deployment.KeyVault?.VaultUri.AbsoluteUri,
            ["Tokens:ConnectionName"] = "default",
            ["Tokens:LocalStorePath"] = deployment.StoreFolder,
            ["Tokens:LockContainerName"] = deployment.LockContainer,
            ["Tokens:OAuthStateTableName"] = deployment.StateTable,
            ["Tokens:LockRetryDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(time);
        services.AddSingleton(new BlobServiceClient(azurite.ConnectionString));
        services.AddSingleton(new TableServiceClient(azurite.ConnectionString));
        if (deployment.KeyVault is not null)
        {
            services.AddSingleton(deployment.KeyVault);
        }

        services.AddOutreachClient(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new ConnectorInstance(provider, sandbox);
    }

    /// <summary>Runs Connect → sandbox sign-in → Callback, as a person in a browser would.</summary>
    public async Task<AuthorizationCompletion> AuthorizeAsync(string? scope = null)
    {
        var start = await Flow.StartAsync(CancellationToken.None);
        var query = QueryHelpers.ParseQuery(start.AuthorizationUrl.Query);
        var code = await _sandbox.AuthorizeAsync(
            query["state"]!,
            redirectUri: query["redirect_uri"],
            scope: scope ?? query["scope"]!,
            clientId: query["client_id"]);
        return await Flow.CompleteAsync(code, query["state"], error: null, CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Outreach.Testing;
using OutreachFunctions.Standalone;

namespace OutreachFunctions.Tests.Infrastructure;

/// <summary>The standalone connector running in-process on a free loopback port, against Azurite.</summary>
public sealed class StandaloneConnector : IAsyncDisposable
{
    /// <summary>The bearer secret the test instance accepts.</summary>
    public const string Secret = "test-secret-0123456789-abcdefghijklmnop";

    private readonly WebApplication _app;

    private StandaloneConnector(WebApplication app, Uri baseAddress, string queueName)
    {
        _app = app;
        BaseAddress = baseAddress;
        QueueName = queueName;
        Client = new HttpClient { BaseAddress = baseAddress };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
    }

    /// <summary>Where the connector listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The update queue this instance uses.</summary>
    public string QueueName { get; }

    /// <summary>A client that sends the bearer secret.</summary>
    public HttpClient Client { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a connector on Azurite with the sample mapping and extra settings.</summary>
    public static async Task<StandaloneConnector> StartAsync(
        AzuriteFixture azurite,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? replaceServices = null)
    {
        var queueName = AzuriteFixture.UniqueName("updates");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectorStorage"] = azurite.ConnectionString,
            ["Delivery:QueueName"] = queueName,
            ["Ingest:BearerSecret"] = Secret,
            ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        var app = StandaloneApp.Build(builder, replaceServices);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StandaloneConnector(app, new Uri(address), queueName);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Net.Http.Headers;
using Outreach.Testing;
using OutreachFunctions.Standalone;

namespace OutreachFunctions.Tests.Infrastructure;

/// <summary>
/// The standalone connector running in-process on a free loopback port, against Azurite and, for end-to-end tests,
/// the Outreach sandbox. Each instance gets its own queue, tables and token folder unless told to share them.
/// </summary>
public sealed class StandaloneConnector : IAsyncDisposable
{
    /// <summary>The bearer secret the test instance accepts.</summary>
    public const string Secret = "test-secret-0123456789-abcdefghijklmnop";

    private readonly WebApplication _app;

    private StandaloneConnector(WebApplication app, Uri baseAddress, ConnectorIsolation isolation)
    {
        _app = app;
        BaseAddress = baseAddress;
        Isolation = isolation;
        Client = new HttpClient { BaseAddress = baseAddress };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
    }

    /// <summary>Where the connector listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The queue, tables and token folder this instance uses; pass it to another instance to share them.</summary>
    public ConnectorIsolation Isolation { get; }

    /// <summary>The update queue this instance uses.</summary>
    public string QueueName => Isolation.QueueName;

    /// <summary>A client that sends the bearer secret.</summary>
    public HttpClient Client { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a connector on Azurite with the sample mapping and extra settings.</summary>
    /// <param name="azurite">The storage emulator.</param>
    /// <param name="sandbox">The Outreach sandbox to deliver to; without one, the instance only ingests.</param>
    /// <param name="settings">Settings that override the defaults.</param>
    /// <param name="replaceServices">Service replacements applied after the app's registrations.</param>
    /// <param name="isolation">Another instance's queue, tables and token folder, to share its state.</param>
    public static async Task<StandaloneConnector> StartAsync(
        AzuriteFixture azurite,
        SandboxServer? sandbox = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? replaceServices = null,
        ConnectorIsolation? isolation = null)
    {
        isolation ??= ConnectorIsolation.CreateNew();
        var baseAddress = SandboxConnectorSettings.LoopbackBase(LoopbackPort.GetFree());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls(baseAddress.ToString());
        builder.Configuration.AddInMemoryCollection(DefaultSettings(azurite, sandbox, isolation, baseAddress));
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        var app = StandaloneApp.Build(builder, replaceServices);
        await app.StartAsync();
        return new StandaloneConnector(app, baseAddress, isolation);
    }

    /// <summary>Connects the connector to the sandbox through the real OAuth authorization-code flow.</summary>
    public Task ConnectAsync(SandboxServer sandbox) => ConnectorAuthorization.ConnectAsync(BaseAddress, Secret, sandbox);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static Dictionary<string, string?> DefaultSettings(AzuriteFixture azurite, SandboxServer? sandbox, ConnectorIsolation isolation, Uri baseAddress)
    {
        Dictionary<string, string?> settings;
        if (sandbox is not null)
        {
            settings = SandboxConnectorSettings.Create(azurite.ConnectionString, sandbox, baseAddress, Secret, isolation.TokenFolder, isolation.NamePrefix);
        }
        else
        {
            // Ingest-only: nothing is delivered, so the queue holds exactly what ingest wrote.
            settings = new Dictionary<string, string?>
            {
                ["ConnectorStorage"] = azurite.ConnectionString,
                ["Delivery:QueueName"] = isolation.QueueName,
                ["Delivery:TablePrefix"] = isolation.NamePrefix,
                ["Tokens:Store"] = "Local",
                ["Tokens:LocalStorePath"] = isolation.TokenFolder,
                ["Ingest:BearerSecret"] = Secret,
                ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
                ["Drain:Enabled"] = "false",
                ["Outreach:ApiBaseUrl"] = "http://127.0.0.1:9/api/v2/",
                ["Outreach:AuthorizeUrl"] = "http://127.0.0.1:9/oauth/authorize",
                ["Outreach:TokenUrl"] = "http://127.0.0.1:9/oauth/token",
                ["Outreach:ClientId"] = "unused",
                ["Outreach:ClientSecret"] = "unused",
                ["Outreach:RedirectUri"] = new Uri(baseAddress, "api/oauth/callback").ToString(),
            };
        }

        settings["Drain:IdlePollInterval"] = "00:00:00.050";
        settings["Drain:MaxIdlePollInterval"] = "00:00:00.500";
        return settings;
    }
}

/// <summary>The per-test names that keep connector instances apart on one Azurite (or let two share them).</summary>
public sealed record ConnectorIsolation(string NamePrefix, string TokenFolder)
{
    /// <summary>The update queue's name (as <see cref="SandboxConnectorSettings"/> derives it).</summary>
    public string QueueName => NamePrefix + "-updates";

    /// <summary>A fresh prefix and an empty token folder.</summary>
    public static ConnectorIsolation CreateNew() => new(
        AzuriteFixture.UniqueName("t"),
        Directory.CreateTempSubdirectory("outreach-tokens-").FullName);
}

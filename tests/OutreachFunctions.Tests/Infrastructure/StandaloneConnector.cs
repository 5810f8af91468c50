using System.Globalization;
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
        var port = LoopbackPort.GetFree();
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
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
        var settings = new Dictionary<string, string?>
        {
            ["ConnectorStorage"] = azurite.ConnectionString,
            ["Delivery:QueueName"] = isolation.QueueName,
            ["Delivery:TablePrefix"] = isolation.TablePrefix,
            ["Tokens:Store"] = "Local",
            ["Tokens:LocalStorePath"] = isolation.TokenFolder,
            ["Tokens:OAuthStateTableName"] = isolation.TablePrefix + "OAuthStates",
            ["Tokens:LockContainerName"] = isolation.TablePrefix + "-locks",
            ["Ingest:BearerSecret"] = Secret,
            ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
            ["Outreach:RedirectUri"] = new Uri(baseAddress, "api/oauth/callback").ToString(),
            ["Drain:IdlePollInterval"] = "00:00:00.050",
            ["Drain:MaxIdlePollInterval"] = "00:00:00.500",
        };
        if (sandbox is null)
        {
            // Ingest-only: nothing is delivered, so the queue holds exactly what ingest wrote.
            settings["Drain:Enabled"] = "false";
            settings["Outreach:ApiBaseUrl"] = "http://127.0.0.1:9/api/v2/";
            settings["Outreach:AuthorizeUrl"] = "http://127.0.0.1:9/oauth/authorize";
            settings["Outreach:TokenUrl"] = "http://127.0.0.1:9/oauth/token";
            settings["Outreach:ClientId"] = "unused";
            settings["Outreach:ClientSecret"] = "unused";
        }
        else
        {
            settings["Outreach:ApiBaseUrl"] = sandbox.ApiBaseAddress.ToString();
            settings["Outreach:AuthorizeUrl"] = sandbox.AuthorizeUri.ToString();
            settings["Outreach:TokenUrl"] = sandbox.TokenUri.ToString();
            settings["Outreach:ClientId"] = sandbox.ClientId;
            settings["Outreach:ClientSecret"] = sandbox.ClientSecret;
        }

        return settings;
    }
}

/// <summary>The per-test names that keep connector instances apart on one Azurite (or let two share them).</summary>
public sealed record ConnectorIsolation(string QueueName, string TablePrefix, string TokenFolder)
{
    /// <summary>Fresh names and an empty token folder.</summary>
    public static ConnectorIsolation CreateNew() => new(
        AzuriteFixture.UniqueName("updates"),
        AzuriteFixture.UniqueName("t"),
        Directory.CreateTempSubdirectory("outreach-tokens-").FullName);
}

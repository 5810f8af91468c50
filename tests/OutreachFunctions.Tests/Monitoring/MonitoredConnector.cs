using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Web;
using Outreach.Connector.Monitoring;
using Outreach.Testing;
using OutreachFunctions.Monitoring;
using OutreachFunctions.Standalone;
using OutreachFunctions.Tests.Infrastructure;

namespace OutreachFunctions.Tests.Monitoring;

/// <summary>
/// The standalone connector with its monitoring, on Azurite and the sandbox, with every log line captured.
/// </summary>
public sealed class MonitoredConnector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MonitoredConnector(WebApplication app, Uri baseAddress, ConnectorIsolation isolation, LogCapture logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Isolation = isolation;
        Logs = logs;
        Client = new HttpClient { BaseAddress = baseAddress };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneConnector.Secret);
    }

    /// <summary>Where the connector listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The queue, tables and token folder this instance uses.</summary>
    public ConnectorIsolation Isolation { get; }

    /// <summary>Everything the app logged (every level).</summary>
    public LogCapture Logs { get; }

    /// <summary>A client that sends the secret as a bearer header.</summary>
    public HttpClient Client { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the connector against Azurite and the sandbox.</summary>
    public static async Task<MonitoredConnector> StartAsync(AzuriteFixture azurite, SandboxServer sandbox, IDictionary<string, string?>? settings = null)
    {
        var isolation = ConnectorIsolation.CreateNew();
        var port = LoopbackPort.GetFree();
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls(baseAddress.ToString());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectorStorage"] = azurite.ConnectionString,
            ["Delivery:QueueName"] = isolation.QueueName,
            ["Delivery:TablePrefix"] = isolation.NamePrefix,
            ["Tokens:Store"] = "Local",
            ["Tokens:LocalStorePath"] = isolation.TokenFolder,
            ["Tokens:OAuthStateTableName"] = isolation.NamePrefix + "OAuthStates",
            ["Tokens:LockContainerName"] = isolation.NamePrefix + "-locks",
            ["Ingest:BearerSecret"] = StandaloneConnector.Secret,
            ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
            ["Outreach:RedirectUri"] = new Uri(baseAddress, "api/oauth/callback").ToString(),
            ["Outreach:ApiBaseUrl"] = sandbox.ApiBaseAddress.ToString(),
            ["Outreach:AuthorizeUrl"] = sandbox.AuthorizeUri.ToString(),
            ["Outreach:TokenUrl"] = sandbox.TokenUri.ToString(),
            ["Outreach:ClientId"] = sandbox.ClientId,
            ["Outreach:ClientSecret"] = sandbox.ClientSecret,
            ["Drain:IdlePollInterval"] = "00:00:00.050",
            ["Drain:MaxIdlePollInterval"] = "00:00:00.500",
            ["Monitoring:Exporter"] = "None",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        var app = StandaloneApp.Build(builder);
        await app.StartAsync();
        return new MonitoredConnector(app, baseAddress, isolation, logs);
    }

    /// <summary>Connects to the sandbox through the real OAuth authorization-code flow.</summary>
    public async Task ConnectAsync(SandboxServer sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        var start = await browser.GetAsync(new Uri("/api/oauth/connect?key=" + StandaloneConnector.Secret, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var query = HttpUtility.ParseQueryString(start.Headers.Location!.Query);
        var code = await sandbox.AuthorizeAsync(query["state"]!, query["redirect_uri"]);
        var callback = await browser.GetAsync(new Uri(
            $"/api/oauth/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(query["state"]!)}", UriKind.Relative));
        Assert.True(callback.StatusCode == HttpStatusCode.OK, await callback.Content.ReadAsStringAsync());
    }

    /// <summary>The status report as the endpoint serves it.</summary>
    public async Task<ConnectorStatus> GetStatusAsync()
    {
        var response = await Client.GetAsync(new Uri("/api/status/data", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return System.Text.Json.JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.ConnectorStatus)!;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

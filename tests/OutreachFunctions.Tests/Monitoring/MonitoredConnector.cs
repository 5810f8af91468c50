using System.Net;
using System.Net.Http.Headers;
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
        var baseAddress = SandboxConnectorSettings.LoopbackBase(LoopbackPort.GetFree());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls(baseAddress.ToString());
        var defaults = SandboxConnectorSettings.Create(
            azurite.ConnectionString, sandbox, baseAddress, StandaloneConnector.Secret, isolation.TokenFolder, isolation.NamePrefix);
        defaults["Drain:IdlePollInterval"] = "00:00:00.050";
        defaults["Drain:MaxIdlePollInterval"] = "00:00:00.500";
        defaults["Monitoring:Exporter"] = "None";
        builder.Configuration.AddInMemoryCollection(defaults);
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
    public Task ConnectAsync(SandboxServer sandbox) => ConnectorAuthorization.ConnectAsync(BaseAddress, StandaloneConnector.Secret, sandbox);

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

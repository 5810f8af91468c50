using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Time.Testing;
using Outreach.Testing;
using OutreachFunctions.Functions;

namespace OutreachFunctions.Tests.Functions.Infrastructure;

/// <summary>
/// The app in Functions mode, in-process on a free loopback port (FUNCTIONS_CUSTOMHANDLER_PORT=0), called the way the
/// Functions host calls it: envelopes POSTed to /{FunctionName}.
/// </summary>
public sealed class FunctionsHandler : IAsyncDisposable
{
    /// <summary>The clock every handler in tests runs on, so queue messages are byte-for-byte reproducible.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 20, 30, TimeSpan.Zero);

    private readonly WebApplication _app;

    private FunctionsHandler(WebApplication app, Uri baseAddress, RecordingServiceBus bus)
    {
        _app = app;
        BaseAddress = baseAddress;
        Bus = bus;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    /// <summary>Where the handler listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the handler.</summary>
    public HttpClient Client { get; }

    /// <summary>The mocked Service Bus client the handler sends through.</summary>
    public RecordingServiceBus Bus { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The settings a handler needs, as the host passes them (environment variables read as configuration).</summary>
    public static Dictionary<string, string?> DefaultSettings() => new()
    {
        [HandlerPort.SettingName] = "0",
        ["Mapping:File"] = Path.Combine(RepositoryRoot.Path, "samples", "mapping.json"),
        ["Delivery:QueueName"] = "prospect-updates",
        ["ServiceBusConnection:fullyQualifiedNamespace"] = "sb-test.servicebus.windows.net",
        ["ServiceBusConnection:credential"] = "managedidentity",

        // Shared services validated at start; nothing reaches these addresses unless a test points them somewhere.
        ["ConnectorStorage"] = "UseDevelopmentStorage=true",
        ["Tokens:Store"] = "KeyVault",
        ["Tokens:KeyVaultUri"] = "https://kv-test.vault.azure.net/",
        ["Outreach:ApiBaseUrl"] = "http://127.0.0.1:9/api/v2/",
        ["Outreach:AuthorizeUrl"] = "http://127.0.0.1:9/oauth/authorize",
        ["Outreach:TokenUrl"] = "http://127.0.0.1:9/oauth/token",
        ["Outreach:ClientId"] = "test-client",
        ["Outreach:ClientSecret"] = "test-secret",
        ["Outreach:RedirectUri"] = "https://func-test.azurewebsites.net/api/oauth/callback",
    };

    /// <summary>
    /// Settings that put the connector's state on Azurite under names of its own (tables, OAuth states, the token lock),
    /// so tests sharing one Azurite never see each other's state.
    /// </summary>
    public static Dictionary<string, string?> AzuriteSettings(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var prefix = AzuriteFixture.UniqueName("f");
        return new Dictionary<string, string?>
        {
            ["ConnectorStorage"] = azurite.ConnectionString,
            ["Delivery:TablePrefix"] = prefix,
            ["Tokens:OAuthStateTableName"] = prefix + "OAuthStates",
            ["Tokens:LockContainerName"] = prefix + "-locks",
        };
    }

    /// <summary>Merges setting dictionaries; later ones win.</summary>
    public static Dictionary<string, string?> Merge(params IDictionary<string, string?>[] parts)
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    /// <summary>Settings that make the Outreach sandbox the connector's Outreach.</summary>
    public static Dictionary<string, string?> SandboxSettings(SandboxServer sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        return new Dictionary<string, string?>
        {
            ["Outreach:ApiBaseUrl"] = sandbox.ApiBaseAddress.ToString(),
            ["Outreach:AuthorizeUrl"] = sandbox.AuthorizeUri.ToString(),
            ["Outreach:TokenUrl"] = sandbox.TokenUri.ToString(),
            ["Outreach:ClientId"] = sandbox.ClientId,
            ["Outreach:ClientSecret"] = sandbox.ClientSecret,
            // Any loopback redirect URI is accepted by the sandbox; tests deliver the callback as an envelope.
            ["Outreach:RedirectUri"] = "http://127.0.0.1:7071/api/oauth/callback",
        };
    }

    /// <summary>
    /// Starts a handler with the default settings, changed by <paramref name="settings"/> (a null value removes one),
    /// sending through <paramref name="bus"/> (a new one when null).
    /// </summary>
    public static async Task<FunctionsHandler> StartAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? replaceServices = null, RecordingServiceBus? bus = null)
    {
        bus ??= new RecordingServiceBus();
        var values = DefaultSettings();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = value;
            }
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.ClearProviders();
        var app = FunctionsApp.Build(builder, services =>
        {
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
            services.AddSingleton(bus.Client.Object);
            replaceServices?.Invoke(services);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FunctionsHandler(app, new Uri(address), bus);
    }

    /// <summary>POSTs an envelope to /{function} as the host does.</summary>
    public Task<HttpResponseMessage> InvokeAsync(string function, string envelope)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/" + function)
        {
            Content = new StringContent(envelope, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(FunctionsHeaders.InvocationId, Guid.NewGuid().ToString());
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Azure-Functions-Host", "4.1040.0"));
        return Client.SendAsync(request);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Api;
using Outreach.Sandbox.Batches;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Faults;
using Outreach.Sandbox.Imports;
using Outreach.Sandbox.OAuth;
using Outreach.Sandbox.Prospects;
using Outreach.Sandbox.RateLimiting;
using Outreach.Sandbox.Sequences;

namespace Outreach.Sandbox;

/// <summary>Builds the Outreach sandbox: from command-line arguments (<c>dotnet run</c>) or in-process from options (tests, benchmarks).</summary>
public static class SandboxApp
{
    /// <summary>Where <c>dotnet run</c> listens when no <c>--urls</c> is given: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5380";

    /// <summary>
    /// Builds an in-process sandbox on real Kestrel, not started: call <c>StartAsync</c>, then <see cref="GetBaseAddress"/>.
    /// </summary>
    /// <param name="options">The sandbox options; the demo client and user are added when none are set. Validated here.</param>
    /// <param name="url">The listen URL; port 0 picks a free port.</param>
    /// <param name="timeProvider">The clock for token lifetimes, rate-limit windows, minting and injected delays (e.g. a FakeTimeProvider).</param>
    /// <param name="configure">Last-minute changes to the builder, e.g. logging providers.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static WebApplication Create(
        SandboxOptions options, string url = "http://127.0.0.1:0", TimeProvider? timeProvider = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(url);
        // In-process hosts (tests) want their own output, not a line per request.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure?.Invoke(builder);
        return Build(builder, options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Builds the sandbox for <c>dotnet run</c>: options from the <c>Sandbox</c> configuration section, URL from <c>--urls</c> or <see cref="DefaultUrl"/>.</summary>
    public static WebApplication CreateFromArgs(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(SandboxOptions.SectionName).Get<SandboxOptions>() ?? new SandboxOptions();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var app = Build(builder, options, TimeProvider.System);
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app, options));
        return app;
    }

    /// <summary>The address the started sandbox listens on (with the real port when port 0 was asked for), e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public static Uri GetBaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server exposes no addresses.");
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The sandbox is not started yet: call StartAsync first.");
        var uri = new Uri(address);
        if (uri.Port == 0)
        {
            throw new InvalidOperationException("The sandbox is not started yet: call StartAsync first.");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static WebApplication Build(WebApplicationBuilder builder, SandboxOptions options, TimeProvider timeProvider)
    {
        options.ApplyDefaults();
        var validation = new SandboxOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(SandboxOptions.SectionName, typeof(SandboxOptions), validation.Failures);
        }

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.RemoveAll<TimeProvider>();
        services.AddSingleton(timeProvider);
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<ProspectStore>();
        services.AddSingleton<BatchStore>();
        services.AddSingleton<ImportStore>();
        services.AddSingleton<UserRateLimiter>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<ProspectCreationLedger>();
        services.AddSingleton<SequenceStore>();

        var app = builder.Build();
        // Bulk batches progress with the clock; every request first applies the items whose time has come.
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<BatchStore>().Advance();
            return next(context);
        });
        // Imports move through their states with the clock, the same way.
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<ImportStore>().Advance();
            return next(context);
        });
        app.UseWhen(IsLogged, branch => branch.UseMiddleware<RequestLogMiddleware>());
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api/v2"), branch => branch.UseMiddleware<ApiGatewayMiddleware>());
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/oauth/token"), branch => branch.UseMiddleware<TokenEndpointFaultMiddleware>());

        app.MapGet("/", () => "Outreach sandbox: OAuth at /oauth, API at /api/v2, sandbox-only admin at /admin. See src/Outreach.Sandbox/README.md.");
        app.MapOAuth();
        app.MapProspects();
        app.MapBatches();
        app.MapImports();
        app.MapAdmin();
        app.MapProspectCreation();
        app.MapSequences();
        app.MapSequenceBulkActions();
        app.MapSequenceAdmin();
        app.MapFallback("/api/v2/{**rest}", (HttpContext context) =>
            ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, new ApiError
            {
                Id = "resourceNotFound",
                Title = "Resource Not Found",
                Detail = "The sandbox does not simulate this endpoint.",
            }));
        return app;
    }

    private static bool IsLogged(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/oauth");

    private static void LogStarted(WebApplication app, SandboxOptions options)
    {
        var client = options.Clients[0];
        var user = options.Users[0];
        app.Logger.LogInformation(
            "Outreach sandbox listening on {Address}. Client id {ClientId}, secret {ClientSecret}; user {Email} / {Password}. Admin: {Address}admin/counters",
            GetBaseAddress(app), client.ClientId, client.ClientSecret, user.Email, user.Password, GetBaseAddress(app));
    }
}

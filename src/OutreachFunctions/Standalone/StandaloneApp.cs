using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Queueing;
using Outreach.Connector.Queueing.Receiving;
using Outreach.Connector.Queueing.StorageQueues;
using Outreach.Connector.Storage;
using OutreachFunctions.Functions.Misconfigured;
using OutreachFunctions.Hosting;
using OutreachFunctions.Monitoring;

namespace OutreachFunctions.Standalone;

/// <summary>
/// Builds the standalone runtime: ingest endpoint, Storage queue, the drain service, OAuth connect/callback, status and
/// keep-alive, in one process. What it shares with the Functions app is registered by
/// <see cref="ConnectorServices.AddConnectorServices"/>.
/// </summary>
public static class StandaloneApp
{
    /// <summary>Builds the app from a configured builder (settings, URLs and logging already in place).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="replaceServices">Lets tests and benchmarks swap a service after the defaults are registered.</param>
    /// <exception cref="SettingsRefusedException">Settings to fix, all of them at once (the app refuses to start).</exception>
    public static WebApplication Build(WebApplicationBuilder builder, Action<IServiceCollection>? replaceServices = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddConnectorServices(configuration);
        services.AddOptions<IngestAuthenticationOptions>()
            .Bind(configuration.GetSection(IngestAuthenticationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<BearerSecretCheck>();

        services.AddOptions<StorageQueueDrainOptions>()
            .Bind(configuration.GetSection(StorageQueueDrainOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Queues
            .GetQueueClient(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.QueueName));
        services.AddSingleton<StorageQueueUpdateQueue>();
        services.AddSingleton<IUpdateQueue>(sp => sp.GetRequiredService<StorageQueueUpdateQueue>());
        services.AddHostedService<QueueProvisioning>();
        services.AddReceivedBatchProcessor();
        services.AddHostedService<QueueDrainService>();
        services.AddHostedService<EnrolmentSweepService>();
        services.AddOptions<KeepAliveOptions>()
            .Bind(configuration.GetSection(KeepAliveOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<KeepAliveService>();

        replaceServices?.Invoke(services);

        // Every settings problem at once, before anything starts: the host's own start-up validation stops at the first
        // options group that fails, and a missing storage setting would only fail when first resolved.
        var settings = SettingsCheck.TakeOver(services, ConnectorStorage.MissingSetting(configuration) is { } missing
            ? [SettingsProblems.FromMessage(missing)]
            : [], ConnectorMode.Standalone);
        var app = builder.Build();
        settings.Run(app.Services);
        UnknownSettings.LogAtStart(app.Services);
        if (settings.IsMisconfigured)
        {
            throw new SettingsRefusedException(settings.Problems);
        }

        app.UseExceptionHandler(UnexpectedErrorResponse.Options());
        app.UseJsonErrorPages();
        app.MapGet("/", () => Results.Text("Outreach connector (standalone)"));
        app.MapIngest();
        app.MapOAuth();
        app.MapStatus();
        app.MapMonitoring(StandaloneMonitoringAuthorization.IsAuthorized);
        return app;
    }
}

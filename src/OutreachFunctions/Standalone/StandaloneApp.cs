using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;
using Outreach.Connector.Ingest;
using Outreach.Connector.Mapping;
using Outreach.Connector.Queueing;
using Outreach.Connector.Outreach;
using Outreach.Connector.Storage;
using OutreachFunctions.Connection;

namespace OutreachFunctions.Standalone;

/// <summary>Builds the standalone runtime: ingest endpoint, Storage queue, and the drain service, in one process.</summary>
public static class StandaloneApp
{
    /// <summary>Builds the app from a configured builder (settings, URLs and logging already in place).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="replaceServices">Lets tests and benchmarks swap a service after the defaults are registered.</param>
    public static WebApplication Build(WebApplicationBuilder builder, Action<IServiceCollection>? replaceServices = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddSingleton(TimeProvider.System);
        AddStorage(services, configuration);
        services.AddAepIngestTranslation(configuration);
        services.AddSingleton<IngestService>();
        services.AddOptions<IngestAuthenticationOptions>()
            .Bind(configuration.GetSection(IngestAuthenticationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<BearerSecretCheck>();

        services.AddOutreachClient(configuration);
        services.AddDeliveryEngine(sp => sp.GetRequiredService<ConnectorStorage>().Tables);
        services.AddSingleton<ConnectionResumption>();

        services.AddOptions<StorageQueueDrainOptions>()
            .Bind(configuration.GetSection(StorageQueueDrainOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Queues
            .GetQueueClient(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.QueueName));
        services.AddSingleton<StorageQueueUpdateQueue>();
        services.AddSingleton<IUpdateQueue>(sp => sp.GetRequiredService<StorageQueueUpdateQueue>());
        services.AddHostedService<QueueProvisioning>();
        services.AddHostedService<QueueDrainService>();

        replaceServices?.Invoke(services);
        var app = builder.Build();
        app.UseExceptionHandler(errors => errors.Run(UnexpectedErrorResponse.WriteAsync));
        app.MapGet("/", () => Results.Text("Outreach connector (standalone)"));
        app.MapIngest();
        app.MapOAuth();
        return app;
    }

    // One storage account for everything the connector keeps: the queue, the delivery state and the token lock.
    private static void AddStorage(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => ConnectorStorage.FromConfiguration(configuration));
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Tables);
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Blobs);
        services.AddSingleton(sp => sp.GetRequiredService<ConnectorStorage>().Queues);
    }
}

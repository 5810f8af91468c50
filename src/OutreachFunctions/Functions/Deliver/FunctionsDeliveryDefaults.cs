using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery;

namespace OutreachFunctions.Functions.Deliver;

/// <summary>
/// The delivery defaults of Functions mode (a default and a check for <see cref="DeliveryOptions"/>, not options of its
/// own): the engine's batch time limit under the Functions host, where a batch must finish inside the Service Bus lock:
/// the host does not renew the locks of a batch (docs/reference/functions-host.md §5), and the queue's lock is 5 minutes (infra).
/// </summary>
/// <remarks>
/// <para>Default <c>Delivery:MaxBatchDuration</c> here: 90 s (the core's default, 30 s, suits the standalone drainer's
/// 32-message batches). A batch of 100 prospects paced at 10,000 requests per hour (2.78/s) takes about 36 s, so 90 s
/// leaves room for slow responses; after it the engine stops sending and defers the rest to now.</para>
/// <para>What can follow the limit, inside the lock: the request in flight (Outreach:RequestTimeout, 30 s), the field
/// version and counter writes (a few seconds), the re-enqueue request (30 s timeout), the answer to the host. 90 + 30 +
/// 30 + 10 = 160 s of the 300 s lock. A setting above <see cref="Limit"/> (180 s) stops the app at start.</para>
/// </remarks>
public static class FunctionsDeliveryDefaults
{
    /// <summary>The Service Bus queue's lock duration (infra/main.bicep, queueLockDurationSeconds).</summary>
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(5);

    /// <summary>The default batch time limit in Functions mode.</summary>
    public static readonly TimeSpan DefaultMaxBatchDuration = TimeSpan.FromSeconds(90);

    /// <summary>The largest batch time limit accepted in Functions mode: leaves two minutes of the lock for what follows it.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>Registers the Functions default (a configured value still wins) and the check of the limit.</summary>
    public static IServiceCollection AddFunctionsDeliveryDefaults(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Registered before the engine binds its section, so a configured Delivery:MaxBatchDuration overrides it.
        if (string.IsNullOrWhiteSpace(configuration[DeliveryOptions.SectionName + ":" + nameof(DeliveryOptions.MaxBatchDuration)]))
        {
            services.Configure<DeliveryOptions>(options => options.MaxBatchDuration = DefaultMaxBatchDuration);
        }

        services.AddSingleton<IValidateOptions<DeliveryOptions>, LockValidator>();
        return services;
    }

    private sealed class LockValidator : IValidateOptions<DeliveryOptions>
    {
        public ValidateOptionsResult Validate(string? name, DeliveryOptions options) =>
            options.MaxBatchDuration <= Limit
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"Delivery:MaxBatchDuration must be at most {Limit} in Functions mode: a Service Bus batch must finish inside the queue's {LockDuration.TotalMinutes:0}-minute lock, which the host does not renew for batches.");
    }
}

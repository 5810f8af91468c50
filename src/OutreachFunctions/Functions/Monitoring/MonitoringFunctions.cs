using System.Text;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using Outreach.Connector.Queueing;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Monitoring;

namespace OutreachFunctions.Functions.Monitoring;

/// <summary>
/// The monitoring functions (functions/&lt;Name&gt;/function.json), the Functions-mode counterparts of
/// <see cref="MonitoringEndpoints"/>: each reads its <c>Data.req</c> envelope and answers what
/// <see cref="MonitoringAnswers"/> answers the standalone routes, in <c>Outputs.res</c>. The host checks the key
/// (<c>authLevel</c>) before it invokes them, so they do no authorization of their own.
/// </summary>
/// <remarks>
/// <para>Routes (under <c>/api</c>): <c>status</c> (the page), <c>status/data</c>, <c>health</c>, <c>ops/replay</c>,
/// <c>ops/dryrun</c>. The standalone routes <c>/api/admin/…</c> cannot be used: the Functions host refuses every
/// function route that starts with <c>admin</c> (or <c>runtime</c>), its own reserved space, whatever the route prefix
/// ("The specified route conflicts with one or more built in routes.").</para>
/// <para>The page loads <c>status/data</c> relative to its own address with its own query string, so the <c>?code=</c> it
/// was opened with reaches the data request, which needs the same (admin) key.</para>
/// </remarks>
public static class MonitoringFunctions
{
    /// <summary>The status page (HTML): GET <c>/api/status</c>, admin.</summary>
    public const string StatusPage = "StatusPage";

    /// <summary>The status report the page loads (JSON, <c>?hours=</c> 1–168): GET <c>/api/status/data</c>, admin.</summary>
    public const string StatusData = "StatusData";

    /// <summary>Health (JSON; 200 healthy, 503 degraded): GET <c>/api/health</c>, function.</summary>
    public const string Health = "Health";

    /// <summary>Replays failure ledger entries onto the update queue: POST <c>/api/ops/replay</c>, admin.</summary>
    public const string Replay = "Replay";

    /// <summary>What a dry run recorded (JSON, <c>?max=</c>): GET <c>/api/ops/dryrun</c>, admin.</summary>
    public const string DryRun = "DryRun";

    /// <summary>Maps <c>POST /StatusPage</c>, <c>/StatusData</c>, <c>/Health</c>, <c>/Replay</c> and <c>/DryRun</c>.</summary>
    public static IEndpointRouteBuilder MapMonitoringFunctions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Map(endpoints, StatusPage, (_, _, _) => Task.FromResult(MonitoringAnswers.StatusPage()));
        Map(endpoints, StatusData, (services, request, cancellationToken) =>
            MonitoringAnswers.StatusAsync(services.GetRequiredService<ConnectorStatusService>(), Query(request, "hours"), cancellationToken));
        Map(endpoints, Health, (services, _, cancellationToken) =>
            MonitoringAnswers.HealthAsync(services.GetRequiredService<HealthEvaluator>(), cancellationToken));
        Map(endpoints, Replay, ReplayAsync);
        Map(endpoints, DryRun, (services, request, cancellationToken) =>
            MonitoringAnswers.DryRunAsync(services.GetService<IOutreachProspectClient>() as DryRunProspectClient, Query(request, "max"), cancellationToken));
        return endpoints;
    }

    private static Task<MonitoringAnswer> ReplayAsync(IServiceProvider services, HttpTriggerRequest request, CancellationToken cancellationToken)
    {
        ServiceBusUpdateQueue queue;
        try
        {
            queue = services.GetRequiredService<ServiceBusUpdateQueue>();
        }
        catch (OptionsValidationException ex)
        {
            // Locally with the emulator's connection string only: the REST API replay sends through does not exist there.
            return Task.FromResult(MonitoringAnswers.Error(
                StatusCodes.Status501NotImplemented, "no_update_queue", "Replay sends through the Service Bus REST API: " + string.Join(" ", ex.Failures)));
        }

        return MonitoringAnswers.ReplayAsync(services.GetRequiredService<FailureReplay>(), queue, name => Query(request, name), cancellationToken);
    }

    private static void Map(
        IEndpointRouteBuilder endpoints, string name, Func<IServiceProvider, HttpTriggerRequest, CancellationToken, Task<MonitoringAnswer>> answer) =>
        endpoints.MapPost("/" + name, (HttpContext context, ILoggerFactory loggers) =>
            HttpFunction.RunAsync(context, name, loggers.CreateLogger(typeof(MonitoringFunctions).FullName + "." + name), async (request, cancellationToken) =>
            {
                var result = await answer(context.RequestServices, request, cancellationToken);
                return new HttpOutput(result.StatusCode, Encoding.UTF8.GetString(result.Body), result.ContentType, HttpFunction.NoStoreHeaders);
            }));

    private static string? Query(HttpTriggerRequest request, string name) => request.Query.GetValueOrDefault(name);
}

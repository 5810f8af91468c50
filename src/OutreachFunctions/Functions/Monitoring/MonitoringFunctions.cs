using System.Text;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Monitoring;

namespace OutreachFunctions.Functions.Monitoring;

/// <summary>
/// The monitoring functions (function-definitions/&lt;Name&gt;/function.json), the Functions-mode counterparts of
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
    /// <remarks>Each function gets its services as parameters; nothing is looked up inside a handler.</remarks>
    public static IEndpointRouteBuilder MapMonitoringFunctions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/" + StatusPage, (HttpContext context, ILoggerFactory loggers) =>
            RunAsync(context, loggers, StatusPage, (_, _) => Task.FromResult(MonitoringAnswers.StatusPage())));
        endpoints.MapPost("/" + StatusData, (HttpContext context, ILoggerFactory loggers, ConnectorStatusService status) =>
            RunAsync(context, loggers, StatusData, (request, cancellationToken) =>
                MonitoringAnswers.StatusAsync(status, Query(request, "hours"), cancellationToken)));
        endpoints.MapPost("/" + Health, (HttpContext context, ILoggerFactory loggers, HealthEvaluator health) =>
            RunAsync(context, loggers, Health, (_, cancellationToken) => MonitoringAnswers.HealthAsync(health, cancellationToken)));
        endpoints.MapPost("/" + Replay, (HttpContext context, ILoggerFactory loggers, FailureReplay replay, ReplayQueue queue) =>
            RunAsync(context, loggers, Replay, (request, cancellationToken) =>
                MonitoringAnswers.ReplayAsync(replay, queue.Queue, name => Query(request, name), cancellationToken)));
        endpoints.MapPost("/" + DryRun, (HttpContext context, ILoggerFactory loggers, IOutreachProspectClient client) =>
            RunAsync(context, loggers, DryRun, (request, cancellationToken) =>
                MonitoringAnswers.DryRunAsync(client as DryRunProspectClient, Query(request, "max"), cancellationToken)));
        return endpoints;
    }

    private static Task RunAsync(
        HttpContext context, ILoggerFactory loggers, string name, Func<HttpTriggerRequest, CancellationToken, Task<MonitoringAnswer>> answer) =>
        HttpFunction.RunAsync(context, name, loggers.CreateLogger(typeof(MonitoringFunctions).FullName + "." + name), async (request, cancellationToken) =>
        {
            var result = await answer(request, cancellationToken);
            return new HttpOutput(result.StatusCode, Encoding.UTF8.GetString(result.Body), result.ContentType, HttpFunction.NoStoreHeaders);
        });

    private static string? Query(HttpTriggerRequest request, string name) => request.Query.GetValueOrDefault(name);
}

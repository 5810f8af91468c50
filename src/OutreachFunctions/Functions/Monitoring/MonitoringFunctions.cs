using System.Text;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Invocation;
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

    private static readonly FunctionDefinition StatusPageFunction = FunctionDefinition.Http(StatusPage);
    private static readonly FunctionDefinition StatusDataFunction = FunctionDefinition.Http(StatusData);
    private static readonly FunctionDefinition HealthFunction = FunctionDefinition.Http(Health);
    private static readonly FunctionDefinition ReplayFunction = FunctionDefinition.Http(Replay);
    private static readonly FunctionDefinition DryRunFunction = FunctionDefinition.Http(DryRun);

    /// <summary>Maps <c>POST /StatusPage</c>, <c>/StatusData</c>, <c>/Health</c>, <c>/Replay</c> and <c>/DryRun</c>.</summary>
    /// <remarks>Each function gets its services as parameters; nothing is looked up inside a handler.</remarks>
    public static IEndpointRouteBuilder MapMonitoringFunctions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapFunction(StatusPageFunction, (HttpContext context, FunctionRunner runner) =>
            RunAsync(context, runner, StatusPageFunction, (_, _) => Task.FromResult(MonitoringAnswers.StatusPage())));
        endpoints.MapFunction(StatusDataFunction, (HttpContext context, FunctionRunner runner, ConnectorStatusService status) =>
            RunAsync(context, runner, StatusDataFunction, (request, cancellationToken) =>
                MonitoringAnswers.StatusAsync(status, Query(request, "hours"), cancellationToken)));
        endpoints.MapFunction(HealthFunction, (HttpContext context, FunctionRunner runner, HealthEvaluator health) =>
            RunAsync(context, runner, HealthFunction, (_, cancellationToken) => MonitoringAnswers.HealthAsync(health, cancellationToken)));
        endpoints.MapFunction(ReplayFunction, (HttpContext context, FunctionRunner runner, FailureReplay replay, ReplayQueue queue) =>
            RunAsync(context, runner, ReplayFunction, (request, cancellationToken) =>
                MonitoringAnswers.ReplayAsync(replay, queue.Queue, name => Query(request, name), cancellationToken)));
        endpoints.MapFunction(DryRunFunction, (HttpContext context, FunctionRunner runner, IOutreachProspectClient client) =>
            RunAsync(context, runner, DryRunFunction, (request, cancellationToken) =>
                MonitoringAnswers.DryRunAsync(client as DryRunProspectClient, Query(request, "max"), cancellationToken)));
        return endpoints;
    }

    private static Task RunAsync(
        HttpContext context, FunctionRunner runner, FunctionDefinition function, Func<HttpTriggerRequest, CancellationToken, Task<MonitoringAnswer>> answer) =>
        runner.RunHttpAsync(context, function, async (request, cancellationToken) =>
        {
            var result = await answer(request, cancellationToken);
            return new HttpOutput(result.StatusCode, Encoding.UTF8.GetString(result.Body), result.ContentType, HttpFunction.NoStoreHeaders);
        });

    private static string? Query(HttpTriggerRequest request, string name) => request.Query.GetValueOrDefault(name);
}

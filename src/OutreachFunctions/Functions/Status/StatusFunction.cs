using System.Text;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Invocation;
using OutreachFunctions.Functions.Protocol;
using OutreachFunctions.Hosting;

namespace OutreachFunctions.Functions.Status;

/// <summary>
/// The <c>Status</c> function (function-definitions/Status/function.json): <c>GET /api/status/connection</c> with <c>authLevel: admin</c>
/// (the master key, e.g. <c>curl -H "x-functions-key: $MASTER_KEY"</c>). Answers the <see cref="StatusReport"/>
/// document: connection state, delivery pause, request budget, hourly counters. Read-only, never a token. <c>/api/status</c>
/// itself is the status page (<see cref="Monitoring.MonitoringFunctions"/>), as in the standalone runtime.
/// </summary>
public static class StatusFunction
{
    /// <summary>The function's name.</summary>
    public const string Name = "Status";

    private static readonly FunctionDefinition Function = FunctionDefinition.Http(Name);

    /// <summary>Maps <c>POST /Status</c>.</summary>
    public static IEndpointRouteBuilder MapStatusFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFunction(Function, (HttpContext context, FunctionRunner runner, StatusReport report) =>
            runner.RunHttpAsync(context, Function, async (_, cancellationToken) =>
                new HttpOutput(StatusCodes.Status200OK, Encoding.UTF8.GetString(await report.BuildAsync(cancellationToken)), StatusReport.ContentType, HttpFunction.NoStoreHeaders)));
        return endpoints;
    }
}

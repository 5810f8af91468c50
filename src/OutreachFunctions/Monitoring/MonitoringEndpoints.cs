using Microsoft.AspNetCore.Mvc;
using Outreach.Connector.Delivery.DryRun;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Outreach;
using Outreach.Connector.Queueing;

namespace OutreachFunctions.Monitoring;

/// <summary>
/// The monitoring endpoints of the app: the status page and its data, health, the dry-run record and the replay admin
/// endpoint. Every endpoint asks the host's <c>isAuthorized</c> first.
/// </summary>
public static class MonitoringEndpoints
{
    /// <summary>The status page (HTML).</summary>
    public const string StatusPageRoute = "/api/status";

    /// <summary>The status report (JSON) the page loads: <c>?hours=24</c>.</summary>
    public const string StatusDataRoute = "/api/status/data";

    /// <summary>Health (JSON): 200 healthy, 503 degraded.</summary>
    public const string HealthRoute = "/api/health";

    /// <summary>Replay (POST): <c>?errorId=&amp;audienceId=&amp;from=&amp;to=&amp;max=&amp;listOnly=</c>.</summary>
    public const string ReplayRoute = "/api/admin/replay";

    /// <summary>What a dry run recorded (JSON): <c>?max=100</c>.</summary>
    public const string DryRunRoute = "/api/admin/dryrun";

    /// <summary>
    /// Maps the monitoring endpoints. <paramref name="isAuthorized"/> decides every request: in the standalone runtime use
    /// <see cref="StandaloneMonitoringAuthorization.IsAuthorized"/> (the ingest secret as a bearer header or <c>?key=</c>, which
    /// the page passes on to its data request); a host that authorizes before forwarding passes <c>_ =&gt; true</c>.
    /// Needs <c>AddConnectorMonitoring</c>, a registered <see cref="IUpdateQueue"/> and <see cref="IOutreachProspectClient"/>; each
    /// endpoint gets its services as parameters.
    /// </summary>
    /// <returns>The group of the endpoints, for further conventions.</returns>
    public static RouteGroupBuilder MapMonitoring(this IEndpointRouteBuilder endpoints, Func<HttpContext, bool> isAuthorized)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(isAuthorized);
        var group = endpoints.MapGroup("");
        group.AddEndpointFilter(async (context, next) =>
        {
            if (!isAuthorized(context.HttpContext))
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return Write(MonitoringAnswers.Error(
                    StatusCodes.Status401Unauthorized, "unauthorized", "Send the connector's secret as Authorization: Bearer <secret>, or open the page with ?key=<secret>."));
            }

            return await next(context);
        });

        group.MapGet(StatusPageRoute, () => Write(MonitoringAnswers.StatusPage()));
        group.MapGet(StatusDataRoute, async (HttpContext context, ConnectorStatusService status) =>
            Write(await MonitoringAnswers.StatusAsync(status, context.Request.Query["hours"].FirstOrDefault(), context.RequestAborted)));
        // HEAD too: uptime probes often use it (the answer is the same without its body).
        group.MapMethods(HealthRoute, [HttpMethods.Get, HttpMethods.Head], async (HttpContext context, HealthEvaluator health) =>
            Write(await MonitoringAnswers.HealthAsync(health, context.RequestAborted)));
        group.MapPost(ReplayRoute, async (HttpContext context, FailureReplay replay, [FromServices] IUpdateQueue queue) =>
            Write(await MonitoringAnswers.ReplayAsync(replay, queue, name => context.Request.Query[name].FirstOrDefault(), context.RequestAborted)));
        group.MapGet(DryRunRoute, async (HttpContext context, [FromServices] IOutreachProspectClient client) =>
            Write(await MonitoringAnswers.DryRunAsync(client as DryRunProspectClient, context.Request.Query["max"].FirstOrDefault(), context.RequestAborted)));
        return group;
    }

    private static AnswerResult Write(MonitoringAnswer answer) => new(answer);

    // The answer as it is: status, content type and body, with caching off (the numbers change by the second).
    private sealed class AnswerResult(MonitoringAnswer answer) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = answer.StatusCode;
            httpContext.Response.ContentType = answer.ContentType;
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.ContentLength = answer.Body.Length;
            return httpContext.Response.Body.WriteAsync(answer.Body, httpContext.RequestAborted).AsTask();
        }
    }
}

using OutreachFunctions.Hosting;

namespace OutreachFunctions.Standalone;

/// <summary>
/// <c>GET /api/status/connection</c> in the standalone runtime: the same document as the Functions app's Status
/// function (<see cref="StatusReport"/>: connection, pause, budget, raw hourly counters), protected by the ingest bearer
/// secret. The status page and its run report are at <c>/api/status</c> (<see cref="Monitoring.MonitoringEndpoints"/>).
/// </summary>
public static class StatusEndpoint
{
    /// <summary>The route, the same as the Functions app's.</summary>
    public const string Route = "/api/status/connection";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, BearerSecretCheck authorization, StatusReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!authorization.IsAuthorized(context.Request.Headers.Authorization))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await JsonError.WriteAsync(context, Outreach.Connector.Ingest.IngestResponse.Error(
                StatusCodes.Status401Unauthorized, "unauthorized", "Send the ingest secret as Authorization: Bearer <secret>."));
            return;
        }

        var document = await report.BuildAsync(context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = StatusReport.ContentType;
        await context.Response.Body.WriteAsync(document, context.RequestAborted);
    }
}

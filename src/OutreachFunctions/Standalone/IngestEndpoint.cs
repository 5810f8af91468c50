using Outreach.Connector.Ingest;
using Outreach.Connector.Queueing;

namespace OutreachFunctions.Standalone;

/// <summary><c>POST /api/profiles</c> in the standalone runtime: AEP's HTTP API destination posts exports here.</summary>
public static class IngestEndpoint
{
    /// <summary>The route, the same as the Functions app's.</summary>
    public const string Route = "/api/profiles";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, BearerSecretCheck authorization, IngestService ingest, IUpdateQueue queue)
    {
        if (!authorization.IsAuthorized(context.Request.Headers.Authorization))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(context, IngestResponse.Error(StatusCodes.Status401Unauthorized, "unauthorized", "Send the configured secret as Authorization: Bearer <secret>."));
            return;
        }

        IngestResponse response;
        try
        {
            (_, response) = await ingest.AcceptAsync(context.Request.Body, queue, context.RequestAborted);
        }
        catch (Azure.RequestFailedException)
        {
            // The queue is unavailable: nothing is lost because AEP retries a 503 (docs/reference/aep.md §1.6).
            response = IngestResponse.Error(StatusCodes.Status503ServiceUnavailable, "queue_unavailable", "The update queue is unavailable; retry later.");
        }

        await WriteAsync(context, response);
    }

    private static Task WriteAsync(HttpContext context, IngestResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = IngestResponse.ContentType;
        return context.Response.Body.WriteAsync(response.Body, context.RequestAborted).AsTask();
    }
}

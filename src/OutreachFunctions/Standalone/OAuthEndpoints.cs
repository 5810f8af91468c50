using Outreach.Connector.Ingest;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Tokens;
using OutreachFunctions.Connection;

namespace OutreachFunctions.Standalone;

/// <summary>
/// Connecting Outreach in the standalone runtime: <c>GET /api/oauth/connect</c> starts the authorization-code flow,
/// <c>GET /api/oauth/callback</c> finishes it (the same routes as the Functions app).
/// </summary>
public static class OAuthEndpoints
{
    /// <summary>The route that starts the flow.</summary>
    public const string ConnectRoute = "/api/oauth/connect";

    /// <summary>The route Outreach redirects back to (the configured redirect URI).</summary>
    public const string CallbackRoute = "/api/oauth/callback";

    /// <summary>Maps both endpoints.</summary>
    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ConnectRoute, ConnectAsync);
        endpoints.MapGet(CallbackRoute, CallbackAsync);
        return endpoints;
    }

    // Starting a connection decides whose Outreach account the connector writes with, so it needs the ingest secret:
    // as a bearer header, or as ?key= for a browser.
    private static async Task<IResult> ConnectAsync(HttpContext context, BearerSecretCheck secret, OutreachAuthorizationFlow flow)
    {
        var presented = context.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : "Bearer " + context.Request.Query["key"];
        if (!secret.IsAuthorized(presented))
        {
            var refusal = IngestResponse.Error(StatusCodes.Status401Unauthorized, "unauthorized", "Open the Connect link with ?key=<the ingest secret>.");
            await JsonError.WriteAsync(context, refusal);
            return Results.Empty;
        }

        var start = await flow.StartAsync(context.RequestAborted);

        // AbsoluteUri keeps the escaping (%20 between scopes); Uri.ToString() would unescape it to raw spaces.
        return Results.Redirect(start.AuthorizationUrl.AbsoluteUri);
    }

    private static async Task<IResult> CallbackAsync(HttpContext context, OutreachAuthorizationFlow flow, SequenceHealth sequences)
    {
        var query = context.Request.Query;
        var completion = await flow.CompleteAsync(query["code"], query["state"], query["error"], context.RequestAborted);
        var (status, html) = await AuthorizationPage.ForAsync(completion, sequences, context.RequestAborted);
        return Results.Content(html, AuthorizationPage.ContentType, statusCode: status);
    }
}

using Outreach.Connector.Ingest;

namespace OutreachFunctions.Standalone;

/// <summary>
/// Gives every API answer without a body a JSON error body (<c>{"error":{"code","message"}}</c>): 404 for an unknown
/// route, 405 for a wrong method, and any other 4xx/5xx the framework ends with, so clients parse one error shape.
/// </summary>
public static class JsonErrorPages
{
    /// <summary>Adds the middleware; answers that already have a body are left alone.</summary>
    public static IApplicationBuilder UseJsonErrorPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context => WriteAsync(context.HttpContext));

    private static Task WriteAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var (code, message) = status switch
        {
            StatusCodes.Status404NotFound => ("not_found", $"There is no {context.Request.Path} here; AEP posts exports to {IngestEndpoint.Route}."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", $"{context.Request.Path} does not accept {context.Request.Method}."),
            StatusCodes.Status413PayloadTooLarge => ("body_too_large", "The request body is larger than this route accepts."),
            _ => ("http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture), "The request was not processed."),
        };
        return JsonError.WriteAsync(context, IngestResponse.Error(status, code, message));
    }
}

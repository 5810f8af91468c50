using System.Text.Json;
using Outreach.Sandbox.Prospects;

namespace Outreach.Sandbox.Api;

/// <summary>The first two checks of every JSON:API write, as Outreach answers them: the content type (415), then the body's JSON (400).</summary>
internal static class JsonApiRequest
{
    /// <summary>Answers 415 when the request is not <c>application/vnd.api+json</c>; true when it did (the endpoint stops).</summary>
    public static async Task<bool> RefusedAsNotJsonApiAsync(HttpContext context)
    {
        if (ProspectEndpoints.IsJsonApi(context.Request.ContentType))
        {
            return false;
        }

        await ApiErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, new ApiError
        {
            Id = "unsupportedMediaType",
            Title = "Unsupported Media Type",
            Detail = "Expected Content-Type 'application/vnd.api+json'.",
        });
        return true;
    }

    /// <summary>The body as JSON (the caller disposes it), or null after answering 400 when it is not JSON.</summary>
    public static async Task<JsonDocument?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, new ApiError { Id = "badRequest", Title = "Bad Request", Detail = "The request body is not valid JSON." });
            return null;
        }
    }
}

using System.Globalization;
using System.Text.Json;

namespace Outreach.Sandbox.Api;

/// <summary>Builds and writes the JSON:API errors the sandbox answers with.</summary>
internal static class ApiErrors
{
    /// <summary>The JSON:API media type Outreach requires and answers with.</summary>
    public const string MediaType = "application/vnd.api+json";

    public static ApiError Validation(string pointer, string detail) => new()
    {
        Id = "validationError",
        Title = "Validation Error",
        Detail = detail,
        Source = new ApiErrorSource(pointer),
    };

    public static ApiError NotFound(string type, string id) => new()
    {
        Id = "resourceNotFound",
        Title = "Resource Not Found",
        Detail = string.Create(CultureInfo.InvariantCulture, $"Could not find '{type}' with ID '{id}'."),
    };

    /// <summary>A filter Outreach would refuse: 400 badRequest, or a too-long list under the configured status.</summary>
    public static ApiError BadFilter(int status, string detail) => status switch
    {
        StatusCodes.Status414UriTooLong => new() { Id = "requestUriTooLong", Title = "Request-URI Too Long", Detail = detail },
        StatusCodes.Status422UnprocessableEntity => new() { Id = "validationError", Title = "Validation Error", Detail = detail },
        _ => new() { Id = "badRequest", Title = "Bad Request", Detail = detail },
    };

    public static ApiError RateLimitExceeded(int limit, DateTimeOffset retryAt) => new()
    {
        Id = "rateLimitExceeded",
        Title = "Rate Limit Exceeded",
        Detail = string.Create(
            CultureInfo.InvariantCulture,
            $"You have exceeded your permitted rate limit of {limit:N0}; please try again at {retryAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}."),
    };

    public static ApiError Unauthorized(string detail) => new()
    {
        Id = "unauthorized",
        Title = "Unauthorized",
        Detail = detail,
    };

    public static ApiError ServerError(int status) => status == StatusCodes.Status503ServiceUnavailable
        ? new() { Id = "scheduledServerMaintenance", Title = "Scheduled Server Maintenance", Detail = "The server is undergoing scheduled maintenance; please try again later." }
        : new() { Id = "internalServerError", Title = "Internal Server Error", Detail = "Something went wrong (injected by the sandbox)." };

    public static Task WriteAsync(HttpContext context, int status, params ApiError[] errors) =>
        WriteAsync(context, status, (IReadOnlyList<ApiError>)errors);

    public static async Task WriteAsync(HttpContext context, int status, IReadOnlyList<ApiError> errors)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = MediaType;
        await JsonSerializer.SerializeAsync(
            context.Response.Body,
            new ApiErrorDocument(errors),
            SandboxJson.Context.ApiErrorDocument,
            context.RequestAborted);
    }
}

using Outreach.Connector.Ingest;

namespace OutreachFunctions.Standalone;

/// <summary>Writes an <see cref="IngestResponse"/> (the one JSON answer shape of the API routes) to an HTTP response.</summary>
public static class JsonError
{
    /// <summary>Writes status, content type and body.</summary>
    public static Task WriteAsync(HttpContext context, IngestResponse response)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = IngestResponse.ContentType;
        return context.Response.Body.WriteAsync(response.Body, context.RequestAborted).AsTask();
    }
}

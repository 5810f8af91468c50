using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Http;

/// <summary>
/// Runs an HTTP-only function (<c>httpTrigger</c> <c>req</c> in, <c>http</c> <c>res</c> out) in the host's envelope
/// mode: reads <c>Data.req</c>, lets the handler produce the response, and answers the host 200 with the response in
/// <c>Outputs.res</c> (docs/reference/functions-host.md §2.1, §3). With <c>enableForwardingHttpRequest: false</c> every function,
/// Ingest included, speaks the same protocol.
/// </summary>
public static partial class HttpFunction
{
    /// <summary>The <c>httpTrigger</c> binding of every HTTP function.</summary>
    public const string TriggerBinding = "req";

    /// <summary>The <c>http</c> output binding of every HTTP function.</summary>
    public const string ResponseBinding = "res";

    /// <summary>Headers every page or document of these functions carries: nothing cached, sniffed, framed or referred.</summary>
    public static IReadOnlyDictionary<string, string> NoStoreHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Cache-Control"] = "no-store",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
    };

    /// <summary>Reads the request, runs <paramref name="handle"/> and writes the answer; a failure becomes a 500 for the caller.</summary>
    public static async Task RunAsync(HttpContext context, string functionName, ILogger logger, Func<HttpTriggerRequest, CancellationToken, Task<HttpOutput>> handle)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handle);
        var result = new InvocationResult();
        var invocationId = context.Request.Headers[FunctionsHeaders.InvocationId].ToString();
        using var scope = logger.BeginScope("InvocationId {InvocationId}", invocationId);
        HttpOutput response;
        try
        {
            using var invocation = await InvocationRequest.ReadAsync(context.Request.Body, context.RequestAborted);
            response = await handle(invocation.GetHttpRequest(TriggerBinding), context.RequestAborted);
        }
        catch (InvocationFormatException ex)
        {
            LogUnreadable(logger, functionName, ex.Message);
            response = Text(StatusCodes.Status500InternalServerError, "The Functions host sent a request the connector cannot read.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogFailed(logger, ex, functionName);
            response = Text(StatusCodes.Status500InternalServerError, "The connector failed unexpectedly; the logs carry the invocation id " + invocationId + ".");
        }

        result.SetHttpResponse(ResponseBinding, response.StatusCode, response.Body, response.ContentType, response.Headers);
        result.Log($"{functionName} answered {response.StatusCode}.");
        await FunctionsResponse.WriteAsync(context, result);
    }

    /// <summary>A plain-text response with <see cref="NoStoreHeaders"/>.</summary>
    public static HttpOutput Text(int statusCode, string text) => new(statusCode, text, "text/plain; charset=utf-8", NoStoreHeaders);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Functions host sent an unreadable {Function} request: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string function, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}

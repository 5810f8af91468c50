using System.Globalization;
using System.Text;
using Outreach.Connector.Ingest;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Queueing.ServiceBus;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Ingest;

/// <summary>
/// The <c>Ingest</c> function (function-definitions/Ingest/function.json): AEP posts exports to <c>/api/profiles</c>, the host
/// authenticates the function key and POSTs the envelope here, to <c>/Ingest</c>.
/// </summary>
/// <remarks>
/// Runs the same <see cref="IngestService"/> as the standalone endpoint; the queue is <see cref="ServiceBusIngestQueue"/>:
/// the handler sends the accepted updates itself, one message each with a content-derived message id, so the queue's
/// duplicate detection drops AEP's retries (the host's output binding cannot set a message id). The host always gets
/// 200; AEP gets the ingest answer (202/400/411/413/415/422) through the <see cref="ResponseBinding"/> output, 503 when the queue
/// refused the updates (AEP retries), 500 when the handler failed.
/// </remarks>
public static partial class IngestFunction
{
    /// <summary>The function's name: its folder under function-definitions/ and the handler path the host POSTs to.</summary>
    public const string Name = "Ingest";

    /// <summary>The <c>httpTrigger</c> binding.</summary>
    public const string TriggerBinding = "req";

    /// <summary>The <c>http</c> output binding.</summary>
    public const string ResponseBinding = "res";

    /// <summary>Maps <c>POST /Ingest</c>.</summary>
    public static IEndpointRouteBuilder MapIngestFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + Name, HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(
        HttpContext context, IngestService ingest, ServiceBusIngestQueue queue, IngestRequestCheck requestCheck, IngestRefusals refusals, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(IngestFunction).FullName!);
        var result = new InvocationResult();
        var invocationId = context.Request.Headers[FunctionsHeaders.InvocationId].ToString();
        using var scope = logger.BeginScope("InvocationId {InvocationId}", invocationId);
        try
        {
            using var invocation = await InvocationRequest.ReadAsync(context.Request.Body, context.RequestAborted);
            var request = invocation.GetHttpRequest(TriggerBinding);
            if (DroppedBody.WasDropped(request))
            {
                SetResponse(result, IngestResponse.Error(StatusCodes.Status411LengthRequired, DroppedBody.ErrorCode, DroppedBody.Message), refusals);
                result.Log("Ingest answered 411: the request had no Content-Length (chunked body), so the host passed no body.");
                await FunctionsResponse.WriteAsync(context, result);
                return;
            }

            if (requestCheck.Refusal(request.Header("Content-Type"), contentLength: null) is { } refusal)
            {
                SetResponse(result, refusal, refusals);
                result.Log("Ingest answered " + refusal.StatusCode.ToString(CultureInfo.InvariantCulture) + ": " + refusal.ErrorCode + ".");
                await FunctionsResponse.WriteAsync(context, result);
                return;
            }

            await using var body = request.Body is null ? Stream.Null : new MemoryStream(Encoding.UTF8.GetBytes(request.Body), writable: false);
            var (translation, response) = await ingest.AcceptAsync(body, queue, context.RequestAborted);
            SetResponse(result, response, refusals);
            result.Log(string.Create(
                CultureInfo.InvariantCulture,
                $"Ingest answered {response.StatusCode}: {translation.AcceptedCount} accepted, {translation.ExcludedCount} excluded, {translation.InvalidCount} invalid{(translation.BodyError is { } e ? ", body refused: " + e.Code : "")}."));
        }
        catch (ServiceBusSendException ex)
        {
            // Whatever was sent before the failure carries the ids AEP's retry will, so the queue drops it then.
            LogQueueRefused(logger, ex.Message);
            SetResponse(result, IngestResponse.Error(StatusCodes.Status503ServiceUnavailable, "queue_unavailable", "The update queue did not take the updates; retry later."));
            result.Log("Ingest answered 503: " + ex.Message);
        }
        catch (InvocationFormatException ex)
        {
            LogUnreadableInvocation(logger, ex.Message);
            Fail(result, "invocation_unreadable", "The Functions host sent a request the connector cannot read; nothing was queued. Retry later.", ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogFailed(logger, ex);
            Fail(
                result,
                "internal_error",
                "The connector failed unexpectedly; the request was not processed. Retry later; the logs carry the invocation id " + invocationId + ".",
                "Ingest failed: " + ex.GetType().Name);
        }

        await FunctionsResponse.WriteAsync(context, result);
    }

    private static void SetResponse(InvocationResult result, IngestResponse response, IngestRefusals? refusals = null)
    {
        if (response is { StatusCode: >= 400 and < 500, ErrorCode: { } reason })
        {
            refusals?.Record(response.StatusCode, reason);
        }

        result.SetHttpResponse(ResponseBinding, response.StatusCode, Encoding.UTF8.GetString(response.Body), IngestResponse.ContentType);
    }

    // AEP gets a 5xx and retries the whole export; updates already sent are dropped by the queue as duplicates then.
    private static void Fail(InvocationResult result, string code, string message, string logLine)
    {
        SetResponse(result, IngestResponse.Error(StatusCodes.Status500InternalServerError, code, message));
        result.Log(logLine);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The Functions host sent an unreadable invocation request: {Problem}")]
    private static partial void LogUnreadableInvocation(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest answered 503: the update queue refused the updates: {Problem}")]
    private static partial void LogQueueRefused(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

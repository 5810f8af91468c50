using System.Globalization;
using System.Text;
using Outreach.Connector.Ingest;
using Outreach.Connector.Monitoring;
using Outreach.Connector.Queueing.ServiceBus;
using OutreachFunctions.Functions.Http;
using OutreachFunctions.Functions.Invocation;
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
/// 200; AEP gets the ingest answer (202/400/411/413/415/422) through the <c>res</c> output, 503 when the queue
/// refused the updates (AEP retries), 500 when the handler failed.
/// </remarks>
public static class IngestFunction
{
    /// <summary>The function's name: its folder under function-definitions/ and the handler path the host POSTs to.</summary>
    public const string Name = "Ingest";

    private static readonly FunctionDefinition Function = FunctionDefinition.Http(Name, FailureResponse);

    /// <summary>Maps <c>POST /Ingest</c>.</summary>
    public static IEndpointRouteBuilder MapIngestFunction(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFunction(Function, (HttpContext context, FunctionRunner runner, IngestService ingest, ServiceBusIngestQueue queue, IngestRequestCheck requestCheck, IngestRefusals refusals) =>
            runner.RunAsync(context, Function, (invocation, _, cancellationToken) =>
                AcceptAsync(invocation.GetHttpRequest(HttpFunction.TriggerBinding), ingest, queue, requestCheck, refusals, cancellationToken)));
        return endpoints;
    }

    private static async Task<FunctionOutcome> AcceptAsync(
        HttpTriggerRequest request, IngestService ingest, ServiceBusIngestQueue queue, IngestRequestCheck requestCheck, IngestRefusals refusals, CancellationToken cancellationToken)
    {
        if (DroppedBody.WasDropped(request))
        {
            return Answer(
                IngestResponse.Error(StatusCodes.Status411LengthRequired, DroppedBody.ErrorCode, DroppedBody.Message),
                refusals,
                "Ingest answered 411: the request had no Content-Length (chunked body), so the host passed no body.");
        }

        if (requestCheck.Refusal(request.Header("Content-Type"), contentLength: null) is { } refusal)
        {
            return Answer(refusal, refusals, "Ingest answered " + refusal.StatusCode.ToString(CultureInfo.InvariantCulture) + ": " + refusal.ErrorCode + ".");
        }

        try
        {
            await using var body = request.Body is null ? Stream.Null : new MemoryStream(Encoding.UTF8.GetBytes(request.Body), writable: false);
            var (translation, response) = await ingest.AcceptAsync(body, queue, cancellationToken);
            return Answer(response, refusals, string.Create(
                CultureInfo.InvariantCulture,
                $"Ingest answered {response.StatusCode}: {translation.AcceptedCount} accepted, {translation.ExcludedCount} excluded, {translation.InvalidCount} invalid{(translation.BodyError is { } e ? ", body refused: " + e.Code : "")}."));
        }
        catch (ServiceBusSendException ex)
        {
            // Whatever was sent before the failure carries the ids AEP's retry will, so the queue drops it then. Logged
            // once, as the invocation's Logs line the host records with the invocation; the SDK's message carries stack
            // frames of the AMQP library after the reason, which the line leaves out.
            return Answer(
                IngestResponse.Error(StatusCodes.Status503ServiceUnavailable, "queue_unavailable", "The update queue did not take the updates; retry later."),
                refusals: null,
                "Ingest answered 503: the update queue refused the updates: " + DependencyRead.OneLine(ex.Message));
        }
    }

    // A refusal (4xx) is counted for the status page; the answer goes to AEP in Outputs.res.
    private static FunctionOutcome.Completed Answer(IngestResponse response, IngestRefusals? refusals, string logLine)
    {
        if (response is { StatusCode: >= 400 and < 500, ErrorCode: { } reason })
        {
            refusals?.Record(response.StatusCode, reason);
        }

        return new FunctionOutcome.Completed(Output(response), [logLine]);
    }

    // AEP gets a 5xx and retries the whole export; updates already sent are dropped by the queue as duplicates then.
    private static HttpOutput FailureResponse(FunctionFailure failure) =>
        Output(failure.Kind switch
        {
            FunctionFailureKind.UnreadableEnvelope => IngestResponse.Error(
                StatusCodes.Status500InternalServerError, "invocation_unreadable", "The Functions host sent a request the connector cannot read; nothing was queued. Retry later."),
            FunctionFailureKind.DependencyUnavailable => IngestResponse.Error(StatusCodes.Status503ServiceUnavailable, HttpFunction.DependencyUnavailableCode, failure.Reason),
            _ => IngestResponse.Error(
                StatusCodes.Status500InternalServerError,
                "internal_error",
                "The connector failed unexpectedly; the request was not processed. Retry later; the logs carry the invocation id " + failure.InvocationId + "."),
        });

    private static HttpOutput Output(IngestResponse response) =>
        new(response.StatusCode, Encoding.UTF8.GetString(response.Body), IngestResponse.ContentType, new Dictionary<string, string>());

}

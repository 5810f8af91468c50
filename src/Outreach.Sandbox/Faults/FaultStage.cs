using Outreach.Sandbox.Api;

namespace Outreach.Sandbox.Faults;

/// <summary>Applies a <see cref="FaultDecision"/> to a call: waits, hangs, or answers with a server error.</summary>
internal static class FaultStage
{
    /// <summary>Returns true when the call should go on to its handler; false when the fault answered it (or the client left).</summary>
    public static async Task<bool> RunAsync(HttpContext context, FaultDecision decision, TimeProvider time)
    {
        var trace = context.Features.Get<RequestTrace>();
        try
        {
            if (decision.Latency > TimeSpan.Zero)
            {
                trace?.Fault = "latency";
                await Task.Delay(decision.Latency, time, context.RequestAborted);
            }

            switch (decision.Kind)
            {
                case FaultKind.Timeout:
                    trace?.Fault = "timeout";
                    // Hang like an overloaded upstream; the client's timeout normally fires first and aborts the call.
                    // Stopping the sandbox ends the hang too, so disposing a test's server never waits for it.
                    var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                    using (var hang = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping))
                    {
                        try
                        {
                            await Task.Delay(decision.Hang, time, hang.Token);
                        }
                        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
                        {
                            // Fall through to the 504: the client still gets an answer.
                        }
                    }

                    await ApiErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, new ApiError
                    {
                        Id = "gatewayTimeout",
                        Title = "Gateway Timeout",
                        Detail = "The request timed out (injected by the sandbox).",
                    });
                    return false;
                case FaultKind.ServerError:
                    trace?.Fault = "serverError";
                    if (decision.ServerErrorStatusCode == StatusCodes.Status503ServiceUnavailable)
                    {
                        // Outreach's 503 is said to carry an ISO-8601 Retry-After (docs/reference/outreach-api.md §4).
                        context.Response.Headers.RetryAfter = time.GetUtcNow().AddSeconds(30).UtcDateTime
                            .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                    }

                    await ApiErrors.WriteAsync(context, decision.ServerErrorStatusCode, ApiErrors.ServerError(decision.ServerErrorStatusCode));
                    return false;
                default:
                    return true;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout); nothing to answer. The request log records it as aborted.
            return false;
        }
    }
}
